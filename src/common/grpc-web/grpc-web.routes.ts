import { FastifyInstance, FastifyReply } from 'fastify';
import { httpAddress } from '../auth/caller-carrier.js';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { sendErrorStatus } from '../errors/error.filter.js';
import { BODY_LIMIT_BYTES } from '../http/json-body-parser.js';
import { GrpcMethodTable } from '../grpc/grpc-method-table.js';
import { joinedHeader, rawHeader } from '../http/raw-header.js';
import { RequestMetrics, operationOfRpcName } from '../metrics/request-metrics.js';
import { tracing } from '../tracing/tracing.js';
import { GrpcWebDoor, GrpcWebOutcome, metadataOf } from './grpc-web.door.js';
import { GrpcWebContentType, grpcWebContentType, responseBody } from './grpc-web-protocol.js';

/**
 * Serves the gRPC-web door on the HTTP server: `POST /<package>.<Service>/<Method>` for every
 * method of the method table, with the body read as bytes (the rest of the HTTP API reads JSON).
 * Every gRPC-web answer is HTTP 200 with the outcome in the trailer frame; a POST with a gRPC-web
 * content type to a path that is no method answers UNIMPLEMENTED the same way.
 */
export function installGrpcWebRoutes(fastify: FastifyInstance, door: GrpcWebDoor, metrics: RequestMetrics): void {
  // after CORS (onRequest) and before the body is read as JSON
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    const contentType = request.method === 'POST' && request.routeOptions.url === undefined ? grpcWebContentType(request.headers['content-type']) : undefined;
    if (!contentType) return done(null, payload);
    const path = request.url.split('?')[0];
    send(reply, contentType, { messages: [], status: door.failure(unknownMethod(path, door.methods), path) });
  });

  void fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
    // failures before the handler (body too large, not gRPC-web): the same mapping, in the form the client reads
    scope.setErrorHandler((error, request, reply) => {
      const contentType = grpcWebContentType(request.headers['content-type']);
      if (contentType) send(reply, contentType, { messages: [], status: door.failure(error, request.url) });
      else sendErrorStatus(reply, door.errorStatus(error, request.url));
    });
    for (const method of door.methods.all()) {
      const operation = operationOfRpcName(method.path);
      const series = metrics.series(operation, 'grpc-web');
      scope.post(method.path, async (request, reply) => {
        const contentType = grpcWebContentType(request.headers['content-type']);
        if (!contentType) {
          // SPEC §5: a caller without a valid token hears 401 before anything about its request
          await door.authenticate(metadataOf(request.raw.rawHeaders), httpAddress(request.raw));
          const message = `${method.path} is a gRPC-web method: send Content-Type application/grpc-web+proto or application/grpc-web-text`;
          throw new DomainError(ErrorKind.InvalidArgument, undefined, message, [], 415);
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const span = tracing.startCall(operation, 'grpc-web', (name) => joinedHeader(rawHeader(request.raw.rawHeaders, name)));
        const call = () => door.call(method, contentType, body, request.raw.rawHeaders, httpAddress(request.raw));
        const outcome = await (span === undefined ? call() : span.run(call));
        series.record(outcome.status.code, performance.now() - reply.elapsedTime);
        span?.end(outcome.status.code);
        send(reply, contentType, outcome);
      });
    }
  });
}

function send(reply: FastifyReply, contentType: GrpcWebContentType, outcome: GrpcWebOutcome): void {
  if (outcome.status.retryAfterSeconds !== undefined) void reply.header('retry-after', String(outcome.status.retryAfterSeconds));
  void reply.status(200).header('content-type', contentType.mediaType).send(responseBody(outcome.messages, outcome.status, contentType.text));
}

function unknownMethod(path: string, methods: GrpcMethodTable): DomainError {
  const [, service = '', method = ''] = path.split('/');
  const message = methods.hasService(service) ? `unknown method ${method} of service ${service}` : `unknown service ${service}`;
  return new DomainError(ErrorKind.Unimplemented, undefined, message);
}
