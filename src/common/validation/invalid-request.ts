import { DomainError } from '../errors/domain-error.js';

/** Go-style field name, as protoc-gen-validate writes it: `defaultRedirectUri` → `DefaultRedirectUri`. */
function goFieldName(field: string): string {
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/**
 * The one INVALID_ARGUMENT answer for a bad request field, shaped like ZITADEL's:
 * `invalid AddSecondFactorToLoginPolicyRequest.Type: value must not be in list [0]`.
 */
export function invalidRequest(requestName: string, violations: { field: string; description: string }[]): DomainError {
  const first = violations[0];
  const message = `invalid ${requestName}.${goFieldName(first.field)}: ${first.description}`;
  return DomainError.invalidArgument(message, violations);
}
