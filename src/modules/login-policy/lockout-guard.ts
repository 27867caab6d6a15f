import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorKind } from '../../common/errors/error-kind.js';
import { PasswordlessType } from '../../common/proto/policy-enums.js';
import { LoginPolicySettings } from './login-policy-settings.js';
import { FactorLists } from './login-policy.model.js';

/** What a lock-out rule looks at: an effective policy's settings and factors. */
export interface GuardedPolicy {
  settings: LoginPolicySettings;
  factors: FactorLists;
}

/** A combination of settings and factors with which users cannot complete a login. */
export interface LockoutRule {
  /** Short name, for the log and the metric's `rule` label. */
  name: string;
  /** The error id of a refusal (our own, never one of ZITADEL's). */
  id: string;
  /** What is wrong, in words. */
  text: string;
  breaks(policy: GuardedPolicy): boolean;
}

const PASSWORDLESS_ALLOWED = PasswordlessType.toNumber('PASSWORDLESS_TYPE_ALLOWED');

export const LOCKOUT_RULES: readonly LockoutRule[] = [
  {
    name: 'force_mfa_without_factors',
    id: 'LPF-lock0mfa',
    text: 'forceMfa is on and no second factor or multi factor is allowed, so no user can complete a login',
    breaks: (policy) => policy.settings.forceMfa === true && policy.factors.second.length === 0 && policy.factors.multi.length === 0,
  },
  {
    name: 'passwordless_without_multi_factors',
    id: 'LPF-lock0pwl',
    text: 'passwordless login is allowed and no multi factor is allowed, so no user can log in without a password',
    breaks: (policy) => policy.settings.passwordlessType === PASSWORDLESS_ALLOWED && policy.factors.multi.length === 0,
  },
];

/**
 * The rules a change breaks: those the policy after it breaks and the policy before it kept. A
 * policy that already broke a rule can still be changed (repairs must stay possible); only a
 * change that makes a lock-out counts.
 */
export function lockoutsMade(before: GuardedPolicy | undefined, after: GuardedPolicy): LockoutRule[] {
  return LOCKOUT_RULES.filter((rule) => rule.breaks(after) && !(before !== undefined && rule.breaks(before)));
}

/** The refusal of a change that would lock users out (FAILED_PRECONDITION). */
export function lockoutRefusal(rule: LockoutRule, followers: number | undefined, override: string): DomainError {
  const reach = followers === undefined ? '' : `; ${followers} ${followers === 1 ? 'org follows' : 'orgs follow'} the instance default`;
  return new DomainError(ErrorKind.FailedPrecondition, rule.id, `The change would lock users out: ${rule.text} (rule ${rule.name}${reach}). ${override}`);
}
