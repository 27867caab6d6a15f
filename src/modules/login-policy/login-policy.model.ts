/** `second` = second factors (2FA), `multi` = passwordless multi factors (MFA). */
export type FactorKind = 'second' | 'multi';

/** Every setting of a login policy except its factors. Lifetimes are in seconds. */
export interface LoginPolicySettings {
  allowUsernamePassword: boolean;
  allowRegister: boolean;
  allowExternalIdp: boolean;
  forceMfa: boolean;
  passwordlessType: number;
  hidePasswordReset: boolean;
  ignoreUnknownUsernames: boolean;
  defaultRedirectUri: string;
  passwordCheckLifetime: number;
  externalLoginCheckLifetime: number;
  mfaInitSkipLifetime: number;
  secondFactorCheckLifetime: number;
  multiFactorCheckLifetime: number;
  allowDomainDiscovery: boolean;
  disableLoginWithEmail: boolean;
  disableLoginWithPhone: boolean;
  forceMfaLocalOnly: boolean;
  useDefaultUriForNotificationLinks: boolean;
}

export const SETTING_NAMES = [
  'allowUsernamePassword',
  'allowRegister',
  'allowExternalIdp',
  'forceMfa',
  'passwordlessType',
  'hidePasswordReset',
  'ignoreUnknownUsernames',
  'defaultRedirectUri',
  'passwordCheckLifetime',
  'externalLoginCheckLifetime',
  'mfaInitSkipLifetime',
  'secondFactorCheckLifetime',
  'multiFactorCheckLifetime',
  'allowDomainDiscovery',
  'disableLoginWithEmail',
  'disableLoginWithPhone',
  'forceMfaLocalOnly',
  'useDefaultUriForNotificationLinks',
] as const satisfies readonly (keyof LoginPolicySettings)[];

export interface FactorLists {
  second: number[];
  multi: number[];
}

/** A stored login policy as the core reads it. */
export interface LoginPolicyState {
  ownerId: string;
  isDefault: boolean;
  settings: LoginPolicySettings;
  /** Factor types in the order they were added. */
  factors: FactorLists;
  /** Sequence of the last event applied to the policy. */
  sequence: number;
  creationDate: Date;
  changeDate: Date;
}

/** `ObjectDetails` of a command: what the new event says. */
export interface ChangeDetails {
  sequence: number;
  creationDate?: Date;
  changeDate: Date;
  resourceOwner: string;
}

const HOUR = 3600;

/** The instance default seeded on first start (SPEC §4). */
export const SEED_SETTINGS: LoginPolicySettings = {
  allowUsernamePassword: true,
  allowRegister: true,
  allowExternalIdp: true,
  forceMfa: false,
  passwordlessType: 1,
  hidePasswordReset: false,
  ignoreUnknownUsernames: false,
  defaultRedirectUri: '',
  passwordCheckLifetime: 240 * HOUR,
  externalLoginCheckLifetime: 240 * HOUR,
  mfaInitSkipLifetime: 720 * HOUR,
  secondFactorCheckLifetime: 18 * HOUR,
  multiFactorCheckLifetime: 12 * HOUR,
  allowDomainDiscovery: true,
  disableLoginWithEmail: false,
  disableLoginWithPhone: false,
  forceMfaLocalOnly: false,
  useDefaultUriForNotificationLinks: false,
};

/** OTP and U2F second factors, and passkeys (U2F with verification) as multi factor. */
export const SEED_FACTORS: FactorLists = { second: [1, 2], multi: [1] };
