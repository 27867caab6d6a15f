import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { DomainError } from './domain-error.js';
import { requestInfoDetail } from './error-detail.js';
import { ErrorKind, httpStatusOf } from './error-kind.js';

/** The kind of an HTTP status refused by a layer below the service (Fastify, node); other 4xx are INVALID_ARGUMENT. */
const STATUS_KIND: Record<number, ErrorKind> = {
  400: ErrorKind.InvalidArgument,
  401: ErrorKind.Unauthenticated,
  403: ErrorKind.PermissionDenied,
  404: ErrorKind.NotFound,
  405: ErrorKind.Unimplemented,
  408: ErrorKind.DeadlineExceeded,
  409: ErrorKind.AlreadyExists,
  // a size limit, like gRPC's own for a message or metadata too large
  413: ErrorKind.ResourceExhausted,
  414: ErrorKind.ResourceExhausted,
  415: ErrorKind.InvalidArgument,
  429: ErrorKind.ResourceExhausted,
  431: ErrorKind.ResourceExhausted,
  503: ErrorKind.Unavailable,
};

interface CodedError {
  code?: unknown;
  statusCode?: unknown;
  errno?: unknown;
}

/**
 * Turns anything thrown into a DomainError, or `undefined` when it is an unexpected failure
 * (answered as INTERNAL by the caller, with a correlation id and the cause in the log only).
 */
export function translateError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (error instanceof HttpException) return fromHttpException(error);
  const coded = (error ?? {}) as CodedError;
  const driverCode = typeof coded.code === 'string' ? coded.code : undefined;
  if (isDatabaseUnavailable(error)) {
    return new DomainError(ErrorKind.Unavailable, undefined, 'Service unavailable: the database cannot be reached');
  }
  if (driverCode?.startsWith('FST_') && typeof coded.statusCode === 'number' && coded.statusCode < 500) {
    return fromHttpStatus(coded.statusCode, (error as Error).message);
  }
  return undefined;
}

export function internalError(correlationId: string): DomainError {
  return new DomainError(ErrorKind.Internal, undefined, 'Internal error', [requestInfoDetail(correlationId)]);
}

function fromHttpException(exception: HttpException): DomainError | undefined {
  const status = exception.getStatus();
  if (status >= 500 && status !== 503) return undefined;
  return fromHttpStatus(status, exception.message);
}

/**
 * A refusal with an HTTP status chosen by a layer below the service (Fastify's router and body
 * parser, node's HTTP parser): its kind decides the code; the status itself is kept (413, 414,
 * 415, 431, …), as it says more than the kind's own.
 */
export function fromHttpStatus(status: number, message: string): DomainError {
  const kind = STATUS_KIND[status] ?? (status >= 500 ? ErrorKind.Internal : ErrorKind.InvalidArgument);
  return new DomainError(kind, undefined, message, [], status === httpStatusOf(kind) ? undefined : status);
}
