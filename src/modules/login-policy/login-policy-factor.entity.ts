import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Projection: one row per factor on a policy. The primary key makes "added twice" impossible. */
@Entity({ name: 'login_policy_factors' })
export class LoginPolicyFactorEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @PrimaryColumn({ name: 'owner_id', type: 'varchar', length: 32 })
  ownerId: string;

  /** `second` or `multi`. */
  @PrimaryColumn({ name: 'kind', type: 'varchar', length: 8 })
  kind: string;

  @PrimaryColumn({ name: 'factor_type', type: 'int' })
  factorType: number;

  /** Sequence of the event that added it: the list order. */
  @Column({ name: 'sequence', type: 'bigint', unsigned: true })
  sequence: string | number;
}
