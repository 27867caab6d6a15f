import { ApiProperty } from '@nestjs/swagger';

/** `google.rpc.Status`: the one error shape of every endpoint. */
export class ErrorBodyDto {
  /** The gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, 6 ALREADY_EXISTS, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED, …). */
  @ApiProperty({ example: 6 })
  code: number;

  /** Human-readable text; for domain errors the error id follows in parentheses. */
  @ApiProperty({ example: 'Multifactor already exists (INSTANCE-2B0ps)' })
  message: string;

  /**
   * Typed details: `zitadel.v1.ErrorDetail {id, message}` for domain errors,
   * `google.rpc.BadRequest {fieldViolations}` for invalid input, `google.rpc.RequestInfo {requestId}` for internal errors.
   */
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: 'INSTANCE-2B0ps', message: 'Multifactor already exists' }],
  })
  details: Record<string, unknown>[];
}
