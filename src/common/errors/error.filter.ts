import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Observable, throwError } from 'rxjs';
import { BusMetadata } from '../bus/bus-metadata.js';
import { encodeStatusDetails } from '../grpc/status-details.js';
import { bodyStillComing } from '../http/body-still-coming.js';
import { noteAnsweredCode } from '../http/rest-call-telemetry.js';
import { RouteTable } from '../http/route-table.js';
import { DomainError } from './domain-error.js';
import { ErrorKind } from './error-kind.js';
import { ErrorStatus, statusOf } from './error-status.js';
import { errorTrace } from './error-text.js';
import { internalError, translateError } from './error-translation.js';

/** What a gRPC handler's failure becomes: grpc-js sends `code`, `details` as the message, and `metadata` as trailers. */
export interface GrpcServiceError {
  code: number;
  details: string;
  metadata: Metadata;
}

/** The trailer a gRPC refusal that says when to try again carries (the gRPC-web door sends it as the `Retry-After` header too). */
export const RETRY_AFTER_TRAILER = 'retry-after';

/** An error as an HTTP answer: the status, and `{code, message, details}` as JSON. */
export function sendErrorStatus(reply: FastifyReply, status: ErrorStatus): void {
  noteAnsweredCode(reply, status.body.code);
  if (status.retryAfterSeconds !== undefined) void reply.header('retry-after', String(status.retryAfterSeconds));
  void reply.status(status.httpStatus).header('content-type', 'application/json; charset=utf-8').send(status.body);
}

/** Any failure of an HTTP request, answered in the one error shape (and logged when it is not the caller's fault). */
export function answerHttpError(logger: Logger, exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (bodyStillComing(request.raw)) void reply.header('connection', 'close');
  sendErrorStatus(reply, httpErrorStatus(logger, exception, `${request.method} ${request.url}`, request.id));
}

/** What a failure of the HTTP request `where` (`METHOD /url`) answers; logged when it is not the caller's fault. */
export function httpErrorStatus(logger: Logger, exception: unknown, where: string, requestId: string): ErrorStatus {
  const error = translateError(exception) ?? internalError(requestId);
  return logged(logger, statusOf(error), exception, where, requestId);
}

function logged(logger: Logger, status: ErrorStatus, exception: unknown, where: string, correlationId: string): ErrorStatus {
  if (status.kind === ErrorKind.Internal) {
    logger.error(`internal error on ${where} (correlation id ${correlationId}): ${errorTrace(exception)}`);
  } else if (status.kind === ErrorKind.Unavailable) {
    logger.warn(`${where} (correlation id ${correlationId}): ${status.body.message}`);
  }
  return status;
}

/**
 * The one error filter of every door. Any failure (guard, pipe, parser, router, core, database)
 * becomes a DomainError, then goes out as `{code, message, details}` with the matching HTTP
 * status, as a gRPC status with the details in `grpc-status-details-bin`, or as the error object
 * of a bus reply. Unexpected errors become INTERNAL "Internal error" with a correlation id; their
 * cause goes to the log only.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly routes: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') return this.rpc(exception, host);
    this.http(exception, host);
  }

  private http(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    answerHttpError(this.logger, this.routeError(exception, request, reply) ?? exception, request, reply);
  }

  private rpc(exception: unknown, host: ArgumentsHost): Observable<never> {
    const correlationId = randomUUID();
    const error = translateError(exception) ?? internalError(correlationId);
    const context: unknown = host.switchToRpc().getContext();
    if (context instanceof BusMetadata) {
      // the bus door replies with the error object itself (Nest sends it as the reply's `err`)
      const { body } = this.logged(statusOf(error), exception, `bus request ${context.pattern}`, correlationId);
      return throwError(() => body);
    }
    const { body, retryAfterSeconds } = this.logged(statusOf(error), exception, 'an RPC call', correlationId);
    const metadata = new Metadata();
    metadata.set('grpc-status-details-bin', encodeStatusDetails(body.code, body.message, body.details));
    if (retryAfterSeconds !== undefined) metadata.set(RETRY_AFTER_TRAILER, String(retryAfterSeconds));
    const failure: GrpcServiceError = { code: body.code, details: body.message, metadata };
    return throwError(() => failure);
  }

  private logged(status: ErrorStatus, exception: unknown, where: string, correlationId: string): ErrorStatus {
    return logged(this.logger, status, exception, where, correlationId);
  }

  /** Fastify's "no route": 405 when the path exists with other methods, else 404. */
  private routeError(exception: unknown, request: FastifyRequest, reply: FastifyReply): DomainError | undefined {
    if (!(exception instanceof NotFoundException) || request.routeOptions.url) return undefined;
    const path = request.url.split('?')[0];
    const allowed = this.routes.methodsFor(path);
    if (allowed.length > 0) {
      void reply.header('allow', allowed.join(', '));
      return new DomainError(ErrorKind.Unimplemented, undefined, `method ${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`);
    }
    return new DomainError(ErrorKind.NotFound, undefined, `no route for ${request.method} ${path}`);
  }
}
