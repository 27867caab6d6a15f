import { Column, ColumnOptions, Entity, PrimaryColumn } from 'typeorm';
import { LoginPolicySettings, SETTINGS, SettingKind } from './login-policy-settings.js';

const SETTING_COLUMN: Record<SettingKind, ColumnOptions> = {
  boolean: { type: 'boolean' },
  enum: { type: 'int' },
  duration: { type: 'bigint' },
  uri: { type: 'varchar', length: 2048 },
};

/** Projection: one row per instance default and per org custom login policy. Lifetimes in seconds. */
@Entity({ name: 'login_policies' })
export class LoginPolicyEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @PrimaryColumn({ name: 'owner_id', type: 'varchar', length: 32 })
  ownerId: string;

  /** `instance` (the default) or `org`. */
  @Column({ name: 'owner_type', type: 'varchar', length: 16 })
  ownerType: string;

  /** Second factor types in the order they were added, comma-separated: the read path's copy of `login_policy_factors`. */
  @Column({ name: 'second_factors', type: 'varchar', length: 64, default: '' })
  secondFactors: string;

  /** Multi factor types, likewise. */
  @Column({ name: 'multi_factors', type: 'varchar', length: 64, default: '' })
  multiFactors: string;

  /** Sequence of the last event applied to this policy. */
  @Column({ name: 'sequence', type: 'bigint', unsigned: true })
  sequence: string | number;

  @Column({ name: 'creation_date', type: 'datetime', precision: 3 })
  creationDate: Date;

  @Column({ name: 'change_date', type: 'datetime', precision: 3 })
  changeDate: Date;
}

// one column per setting, from the settings table
export interface LoginPolicyEntity extends LoginPolicySettings {}
for (const setting of SETTINGS) Column({ name: setting.column, ...SETTING_COLUMN[setting.kind] })(LoginPolicyEntity.prototype, setting.name);
