import { LoginPolicySettings } from './login-policy-settings.js';

/** `second` = second factors (2FA), `multi` = passwordless multi factors (MFA). */
export type FactorKind = 'second' | 'multi';

export const FACTOR_KINDS: readonly FactorKind[] = ['second', 'multi'];

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

/** The factor lists of a policy and the state they were read at (what a factor list answers with). */
export interface FactorsState {
  factors: FactorLists;
  sequence: number;
  changeDate: Date;
}

/** `ObjectDetails` of a command: what the new event says. */
export interface ChangeDetails {
  sequence: number;
  creationDate?: Date;
  changeDate: Date;
  resourceOwner: string;
}

/** OTP and U2F second factors, and passkeys (U2F with verification) as multi factor. */
export const SEED_FACTORS: FactorLists = { second: [1, 2], multi: [1] };
