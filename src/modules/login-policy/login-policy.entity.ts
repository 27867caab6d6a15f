import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Projection: one row per instance default and per org custom login policy. Lifetimes in seconds. */
@Entity({ name: 'login_policies' })
export class LoginPolicyEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @PrimaryColumn({ name: 'owner_id', type: 'varchar', length: 32 })
  ownerId: string;

  @Column({ name: 'owner_type', type: 'varchar', length: 16 })
  ownerType: string;

  @Column({ name: 'allow_username_password', type: 'boolean' })
  allowUsernamePassword: boolean;

  @Column({ name: 'allow_register', type: 'boolean' })
  allowRegister: boolean;

  @Column({ name: 'allow_external_idp', type: 'boolean' })
  allowExternalIdp: boolean;

  @Column({ name: 'force_mfa', type: 'boolean' })
  forceMfa: boolean;

  @Column({ name: 'passwordless_type', type: 'int' })
  passwordlessType: number;

  @Column({ name: 'hide_password_reset', type: 'boolean' })
  hidePasswordReset: boolean;

  @Column({ name: 'ignore_unknown_usernames', type: 'boolean' })
  ignoreUnknownUsernames: boolean;

  @Column({ name: 'default_redirect_uri', type: 'varchar', length: 2048 })
  defaultRedirectUri: string;

  @Column({ name: 'password_check_lifetime', type: 'bigint' })
  passwordCheckLifetime: string | number;

  @Column({ name: 'external_login_check_lifetime', type: 'bigint' })
  externalLoginCheckLifetime: string | number;

  @Column({ name: 'mfa_init_skip_lifetime', type: 'bigint' })
  mfaInitSkipLifetime: string | number;

  @Column({ name: 'second_factor_check_lifetime', type: 'bigint' })
  secondFactorCheckLifetime: string | number;

  @Column({ name: 'multi_factor_check_lifetime', type: 'bigint' })
  multiFactorCheckLifetime: string | number;

  @Column({ name: 'allow_domain_discovery', type: 'boolean' })
  allowDomainDiscovery: boolean;

  @Column({ name: 'disable_login_with_email', type: 'boolean' })
  disableLoginWithEmail: boolean;

  @Column({ name: 'disable_login_with_phone', type: 'boolean' })
  disableLoginWithPhone: boolean;

  @Column({ name: 'force_mfa_local_only', type: 'boolean' })
  forceMfaLocalOnly: boolean;

  @Column({ name: 'use_default_uri_for_notification_links', type: 'boolean' })
  useDefaultUriForNotificationLinks: boolean;

  /** Sequence of the last event applied to this policy. */
  @Column({ name: 'sequence', type: 'bigint', unsigned: true })
  sequence: string | number;

  @Column({ name: 'creation_date', type: 'datetime', precision: 3 })
  creationDate: Date;

  @Column({ name: 'change_date', type: 'datetime', precision: 3 })
  changeDate: Date;
}
