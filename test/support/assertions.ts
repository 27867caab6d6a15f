import assert from 'node:assert/strict';
import { ApiResponse } from './test-app.js';

export const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An error answer: HTTP status, gRPC code, and (when given) the ErrorDetail id in details[0]. */
export function assertError(response: ApiResponse, httpStatus: number, code: number, id?: string): void {
  assert.equal(response.status, httpStatus, `expected HTTP ${httpStatus}, got ${response.status}: ${JSON.stringify(response.body)}`);
  assert.equal(response.body.code, code);
  assert.equal(typeof response.body.message, 'string');
  assert.ok(Array.isArray(response.body.details), 'details must be an array');
  if (id !== undefined) assertErrorDetail(response.body, id);
}

/**
 * `{code, message, details}` carrying the `zitadel.v1.ErrorDetail` of `id`: the wire message is
 * the detail's message followed by ` (<id>)`, as ZITADEL writes it.
 */
export function assertErrorDetail(status: { message: string; details: unknown[] }, id: string): void {
  const suffix = ` (${id})`;
  assert.ok(status.message.endsWith(suffix), `message "${status.message}" names ${id}`);
  assert.deepEqual(status.details[0], {
    '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail',
    id,
    message: status.message.slice(0, -suffix.length),
  });
}

/** A 400 INVALID_ARGUMENT naming `field` in a google.rpc.BadRequest violation. */
export function assertInvalidArgument(response: ApiResponse, field: string, messagePrefix?: string): void {
  assertError(response, 400, 3);
  assert.equal(response.body.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
  assert.equal(response.body.details[0].fieldViolations[0].field, field);
  if (messagePrefix) assert.ok(response.body.message.startsWith(messagePrefix), response.body.message);
}
