import { ErrorCase, errorCase } from '../../common/errors/api-error-responses.decorator.js';
import { ENUM_UNDEFINED_REJECTED, ENUM_ZERO_REJECTED } from '../../common/proto/proto-enum.js';
import { invalidRequest } from '../../common/validation/invalid-request.js';
import { LoginPolicyErrors } from './login-policy.errors.js';
import { FactorKind } from './login-policy.model.js';
import { PolicyLevel } from './policy-level.js';

/**
 * The error answers of the login-policy operations, per level, as the API documentation shows
 * them: the same errors the core and the validation throw (test/e2e/openapi checks each against
 * the running service).
 */
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
