import { ApiProperty } from '@nestjs/swagger';

/**
 * `google.rpc.Status`: the one error shape of every endpoint. No examples here: each operation
 * documents, per status, the bodies it really answers (`@ApiErrors`).
 */
export class ErrorBodyDto {
  /** The gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 6 ALREADY_EXISTS, 7 PERMISSION_DENIED, 9 FAILED_PRECONDITION, 16 UNAUTHENTICATED, …). */
  @ApiProperty({ type: 'integer' })
  code: number;

  /** Human-readable text; for domain errors the error id follows in parentheses. */
  message: string;

  /**
   * Typed details: `zitadel.v1.ErrorDetail {id, message}` for domain errors,
   * `google.rpc.BadRequest {fieldViolations}` for invalid input, `google.rpc.RequestInfo {requestId}` for internal errors.
   */
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  details: Record<string, unknown>[];
}
