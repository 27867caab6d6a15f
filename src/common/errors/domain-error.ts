import { ErrorKind } from './error-kind.js';
import { ErrorDetail, FieldViolation, badRequestDetail, retryInfoDetail, zitadelDetail } from './error-detail.js';

/**
 * The only error the core and the doors throw on purpose. It carries a kind (which decides the
 * gRPC code and HTTP status), a stable id (like `INSTANCE-2B0ps`) and a human message.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly id: string | undefined,
    message: string,
    readonly details: ErrorDetail[] = id ? [zitadelDetail(id, message)] : [],
    /** Only for the few HTTP answers whose status is not the kind's own (413 body too large, 431 headers too large, …). */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** The wire message: the text with the id appended, as ZITADEL writes it. */
  get wireMessage(): string {
    return this.id ? `${this.message} (${this.id})` : this.message;
  }

  static invalidArgument(message: string, violations: FieldViolation[]): DomainError {
    return new DomainError(ErrorKind.InvalidArgument, undefined, message, [badRequestDetail(violations)]);
  }
}

/**
 * A refusal that says when to try again: REST sends `Retry-After`, gRPC a `retry-after` trailer,
 * and every door a `google.rpc.RetryInfo` detail (the bus has no headers).
 */
export class RetryLaterError extends DomainError {
  constructor(
    kind: ErrorKind,
    message: string,
    /** Whole seconds, at least 1. */
    readonly retryAfterSeconds: number,
  ) {
    super(kind, undefined, message, [retryInfoDetail(retryAfterSeconds)]);
  }
}
