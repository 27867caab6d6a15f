import { PasswordlessType } from '../../common/proto/policy-enums.js';
import { ProtoEnum } from '../../common/proto/proto-enum.js';

/**
 * The kinds of login-policy settings, and what each is in the model: booleans, enum numbers,
 * durations in whole seconds, and URIs (absolute, or empty).
 */
export interface SettingKinds {
  boolean: boolean;
  enum: number;
  duration: number;
  uri: string;
}
export type SettingKind = keyof SettingKinds;

export interface SettingSpec {
  kind: SettingKind;
  /** Column of `login_policies`. */
  column: string;
  /** Field number in `zitadel.policy.v1.LoginPolicy`: the order of the JSON answer. */
  field: number;
  /** What the instance default starts with (SPEC §4). */
  seed: SettingKinds[SettingKind];
  /** One sentence for the API documentation. */
  description: string;
  /** An example for the API documentation (durations and URIs). */
  example?: string;
  /** The protobuf enum of an enum setting. */
  protoEnum?: ProtoEnum;
}

const HOUR = 3600;

/**
 * Every setting of a login policy except its factors, once. The model type, the columns and
 * statements of the repository, the request and response DTOs (validation and API docs), the
 * mappers to and from the wire, and the seed of the instance default all derive from this table.
 */
export const LOGIN_POLICY_SETTINGS = {
  allowUsernamePassword: { kind: 'boolean', column: 'allow_username_password', field: 2, seed: true, description: 'Users may log in with username and password.' },
  allowRegister: { kind: 'boolean', column: 'allow_register', field: 3, seed: true, description: 'Users may register themselves.' },
  allowExternalIdp: { kind: 'boolean', column: 'allow_external_idp', field: 4, seed: true, description: 'Users may log in with an external identity provider.' },
  forceMfa: { kind: 'boolean', column: 'force_mfa', field: 5, seed: false, description: 'Every user must set up a second factor.' },
  passwordlessType: {
    kind: 'enum',
    column: 'passwordless_type',
    field: 6,
    seed: 1,
    description: 'Whether passwordless login (passkeys) is allowed.',
    example: 'PASSWORDLESS_TYPE_ALLOWED',
    protoEnum: PasswordlessType,
  },
  hidePasswordReset: { kind: 'boolean', column: 'hide_password_reset', field: 8, seed: false, description: 'Hide the "forgot password" link.' },
  ignoreUnknownUsernames: { kind: 'boolean', column: 'ignore_unknown_usernames', field: 9, seed: false, description: 'Do not tell the user whether a username exists.' },
  defaultRedirectUri: {
    kind: 'uri',
    column: 'default_redirect_uri',
    field: 10,
    seed: '',
    description: 'Where users are sent after login when no redirect is given: an absolute URI, or empty.',
    example: 'https://console.example.com/',
  },
  passwordCheckLifetime: { kind: 'duration', column: 'password_check_lifetime', field: 11, seed: 240 * HOUR, description: 'How long a password check stays valid.', example: '864000s' },
  externalLoginCheckLifetime: {
    kind: 'duration',
    column: 'external_login_check_lifetime',
    field: 12,
    seed: 240 * HOUR,
    description: 'How long an external login check stays valid.',
    example: '864000s',
  },
  mfaInitSkipLifetime: { kind: 'duration', column: 'mfa_init_skip_lifetime', field: 13, seed: 720 * HOUR, description: 'How long a user may skip setting up a second factor.', example: '2592000s' },
  secondFactorCheckLifetime: {
    kind: 'duration',
    column: 'second_factor_check_lifetime',
    field: 14,
    seed: 18 * HOUR,
    description: 'How long a second-factor check stays valid.',
    example: '64800s',
  },
  multiFactorCheckLifetime: {
    kind: 'duration',
    column: 'multi_factor_check_lifetime',
    field: 15,
    seed: 12 * HOUR,
    description: 'How long a multi-factor check stays valid.',
    example: '43200s',
  },
  allowDomainDiscovery: { kind: 'boolean', column: 'allow_domain_discovery', field: 19, seed: true, description: 'Users of unknown usernames may be routed to their org by domain.' },
  disableLoginWithEmail: { kind: 'boolean', column: 'disable_login_with_email', field: 20, seed: false, description: 'Users may not log in with their email address.' },
  disableLoginWithPhone: { kind: 'boolean', column: 'disable_login_with_phone', field: 21, seed: false, description: 'Users may not log in with their phone number.' },
  forceMfaLocalOnly: { kind: 'boolean', column: 'force_mfa_local_only', field: 22, seed: false, description: 'Second factor enforced only for local (not external IdP) logins.' },
  useDefaultUriForNotificationLinks: {
    kind: 'boolean',
    column: 'use_default_uri_for_notification_links',
    field: 23,
    seed: false,
    description: 'Links in notifications use the default redirect URI.',
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof LOGIN_POLICY_SETTINGS;

/** Every setting of a login policy except its factors, in the model's units (lifetimes in seconds). */
export type LoginPolicySettings = { -readonly [N in SettingName]: SettingKinds[(typeof LOGIN_POLICY_SETTINGS)[N]['kind']] };

/** The settings in the order of the table (and of the protobuf fields). */
export const SETTINGS: readonly (SettingSpec & { name: SettingName })[] = Object.entries(LOGIN_POLICY_SETTINGS).map(([name, spec]) => ({
  ...(spec as SettingSpec),
  name: name as SettingName,
}));

/** The instance default seeded on first start. */
export const SEED_SETTINGS = Object.fromEntries(SETTINGS.map((setting) => [setting.name, setting.seed])) as LoginPolicySettings;

/** The settings that differ between `current` and `next`, with their new values. */
export function changedSettings(current: LoginPolicySettings, next: LoginPolicySettings): Partial<LoginPolicySettings> {
  const changes: Partial<Record<SettingName, unknown>> = {};
  for (const { name } of SETTINGS) {
    if (current[name] !== next[name]) changes[name] = next[name];
  }
  return changes as Partial<LoginPolicySettings>;
}
