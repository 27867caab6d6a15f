import { ErrorCase, errorCase } from '../../common/errors/api-error-responses.decorator.js';
import { ENUM_UNDEFINED_REJECTED, ENUM_ZERO_REJECTED } from '../../common/proto/proto-enum.js';
import { invalidRequest } from '../../common/validation/invalid-request.js';
import { LoginPolicyErrors } from './login-policy.errors.js';
import { FactorKind } from './login-policy.model.js';
import { ORG_LEVEL, PolicyLevel } from './policy-level.js';

// The error answers of the login-policy operations, per level, as the API documentation shows
// them: the errors the core and the validation throw (test/e2e/openapi.e2e-spec checks each one
// against the running service).

/** The factor kind as the request names spell it. */
const FACTOR_REQUEST = { second: 'SecondFactor', multi: 'MultiFactor' } as const;

export function factorAddErrors(level: PolicyLevel, kind: FactorKind): ErrorCase[] {
  return [
    errorCase('`type` missing, 0 (UNSPECIFIED) or unknown', invalidRequest(`Add${FACTOR_REQUEST[kind]}ToLoginPolicyRequest`, [{ field: 'type', description: ENUM_ZERO_REJECTED }])),
    errorCase('The factor is already on the policy', LoginPolicyErrors.factorAlreadyExists(level, kind)),
  ];
}

export function factorRemoveErrors(level: PolicyLevel, kind: FactorKind): ErrorCase[] {
  return [
    errorCase('`type` is 0 (UNSPECIFIED) or unknown', invalidRequest(`Remove${FACTOR_REQUEST[kind]}FromLoginPolicyRequest`, [{ field: 'type', description: ENUM_UNDEFINED_REJECTED }])),
    errorCase('The factor is not on the policy', LoginPolicyErrors.factorNotFound(level, kind)),
  ];
}

/** UpdateLoginPolicy (instance) and UpdateCustomLoginPolicy (org). */
export function settingsUpdateErrors(level: PolicyLevel, requestName: string): ErrorCase[] {
  return [
    errorCase(
      'A setting is not valid',
      invalidRequest(requestName, [{ field: 'passwordCheckLifetime', description: 'value must be a duration in whole seconds, like "64800s"' }]),
    ),
    errorCase('The request changes nothing', LoginPolicyErrors.notChanged(level)),
  ];
}

/** Management AddCustomLoginPolicy. */
export function customPolicyAddErrors(): ErrorCase[] {
  return [
    errorCase('A factor is 0 (UNSPECIFIED) or unknown, or a setting is not valid', invalidRequest('AddCustomLoginPolicyRequest', [{ field: 'secondFactors', description: ENUM_UNDEFINED_REJECTED }])),
    errorCase('The org already has a custom policy', LoginPolicyErrors.customPolicyExists()),
  ];
}

/** Management UpdateCustomLoginPolicy. */
export function customPolicyUpdateErrors(): ErrorCase[] {
  return [...settingsUpdateErrors(ORG_LEVEL, 'UpdateCustomLoginPolicyRequest'), errorCase('The org has no custom policy', LoginPolicyErrors.policyNotFound(ORG_LEVEL))];
}

/** Management ResetLoginPolicyToDefault. */
export function customPolicyResetErrors(): ErrorCase[] {
  return [errorCase('The org has no custom policy', LoginPolicyErrors.noCustomPolicyToReset())];
}

/** The declarative factor sets (our extension). Refusals by the lock-out guard and preconditions are described in the operation, not shown as examples: their text names sequences and counts of the moment. */
export function factorSetErrors(): ErrorCase[] {
  return [errorCase('A factor is 0 (UNSPECIFIED) or unknown', invalidRequest('SetLoginPolicyFactorsRequest', [{ field: 'secondFactors', description: ENUM_UNDEFINED_REJECTED }]))];
}
