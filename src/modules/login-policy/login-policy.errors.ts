import { sequenceMoved } from '../../common/api/write-conditions.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorKind } from '../../common/errors/error-kind.js';
import { FactorKind } from './login-policy.model.js';
import { INSTANCE_LEVEL, PolicyLevel } from './policy-level.js';

/** The error ids of SPEC §3, by level; the suffixes are ZITADEL's. */
export const LoginPolicyErrors = {
  factorAlreadyExists: (level: PolicyLevel, kind: FactorKind) =>
    new DomainError(
      ErrorKind.AlreadyExists,
      `${level.errorPrefix}-${kind === 'second' ? '2B0ps' : '3M9od'}`,
      'Multifactor already exists',
    ),
  factorNotFound: (level: PolicyLevel, kind: FactorKind) =>
    new DomainError(ErrorKind.NotFound, `${level.errorPrefix}-${kind === 'second' ? '3M9od' : '3M9df'}`, 'Multifactor not existing'),
  notChanged: (level: PolicyLevel) =>
    new DomainError(ErrorKind.FailedPrecondition, `${level.errorPrefix}-5M9vdd`, 'Login Policy has not been changed'),
  policyNotFound: (level: PolicyLevel) =>
    new DomainError(ErrorKind.NotFound, `${level.errorPrefix}-M0sif`, 'Login Policy not found'),
  sequenceMoved: (level: PolicyLevel, current: number, expected: number) =>
    sequenceMoved(`The ${level === INSTANCE_LEVEL ? 'default ' : ''}login policy`, current, expected),
  customPolicyExists: () => new DomainError(ErrorKind.AlreadyExists, 'Org-Dgfb2', 'Login Policy already exists'),
  noCustomPolicyToReset: () => new DomainError(ErrorKind.NotFound, 'Org-GHB37', 'Login Policy not found'),
};
