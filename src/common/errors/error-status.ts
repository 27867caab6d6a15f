import { DomainError, RetryLaterError } from './domain-error.js';
import { ErrorDetail } from './error-detail.js';
import { ErrorKind, grpcCodeOf, httpStatusOf } from './error-kind.js';

/** `google.rpc.Status` as JSON: the one error shape of every door. */
export interface ErrorBody {
  code: number;
  message: string;
  details: ErrorDetail[];
}

export interface ErrorStatus {
  kind: ErrorKind;
  httpStatus: number;
  body: ErrorBody;
  /** Sent as `Retry-After` (REST, gRPC-web) or a `retry-after` trailer (gRPC), when the refusal says when to try again. */
  retryAfterSeconds?: number;
}

export function statusOf(error: DomainError): ErrorStatus {
  return {
    kind: error.kind,
    httpStatus: error.httpStatus ?? httpStatusOf(error.kind),
    body: { code: grpcCodeOf(error.kind), message: error.wireMessage, details: error.details },
    retryAfterSeconds: error instanceof RetryLaterError ? error.retryAfterSeconds : undefined,
  };
}
