import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { RouteTable } from '../http/route-table.js';
import { DomainError } from './domain-error.js';
import { ErrorKind } from './error-kind.js';
import { statusOf } from './error-status.js';
import { internalError, translateError } from './error-translation.js';

/**
 * Writes every failure of the HTTP door (guards, pipes, parser, router, core, database) as
 * `{code, message, details}` with the matching HTTP status. Unexpected errors become 500
 * "Internal error" with the request's correlation id; their cause goes to the log only.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly routes: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.domainErrorOf(exception, request, reply);
    const status = statusOf(error);
    if (status.kind === ErrorKind.Internal) {
      const cause = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`internal error on ${request.method} ${request.url} (correlation id ${request.id}): ${cause}`);
    } else if (status.kind === ErrorKind.Unavailable) {
      this.logger.warn(`${request.method} ${request.url} (correlation id ${request.id}): ${error.message}`);
    }
    void reply.status(status.httpStatus).header('content-type', 'application/json; charset=utf-8').send(status.body);
  }

  private domainErrorOf(exception: unknown, request: FastifyRequest, reply: FastifyReply): DomainError {
    if (exception instanceof NotFoundException && !request.routeOptions.url) {
      const path = request.url.split('?')[0];
      const allowed = this.routes.methodsFor(path);
      if (allowed.length > 0) {
        void reply.header('allow', allowed.join(', '));
        return new DomainError(ErrorKind.Unimplemented, undefined, `method ${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`);
      }
      return new DomainError(ErrorKind.NotFound, undefined, `no route for ${request.method} ${path}`);
    }
    return translateError(exception) ?? internalError(request.id);
  }
}
