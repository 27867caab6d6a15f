import { INestApplication } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OperationSeries, RequestMetrics, operationOfOperationId } from '../metrics/request-metrics.js';
import { CallSpan, tracing } from '../tracing/tracing.js';
import { controllerHandlers } from './controller-handlers.js';
import { joinedHeader, rawHeader } from './raw-header.js';
import { routeKeys } from './route-keys.js';

/** Where `@ApiOperation` keeps its options (the package does not export its constant). */
const API_OPERATION_METADATA = 'swagger/apiOperation';

// the gRPC code of an error answer, kept by sendErrorStatus for the onResponse hook
const answeredCodes = new WeakMap<FastifyReply, number>();

/** Notes the gRPC code an HTTP error answer carries, for the per-call metrics. */
export function noteAnsweredCode(reply: FastifyReply, code: number): void {
  answeredCodes.set(reply, code);
}

/** The operation a REST handler serves (`AdminService/ListOrgs`), from its documented operationId. */
export function restOperationOf(handler: Function): string | undefined {
  return operationOfOperationId((Reflect.getMetadata(API_OPERATION_METADATA, handler) as { operationId?: unknown } | undefined)?.operationId);
}

/** What one REST route counts under. */
interface RestOperation {
  name: string;
  series: OperationSeries;
}

/**
 * Per-call metrics and spans (door="rest") of the REST calls Fastify answers: the route is looked
 * up among the controllers' routes (known once the application is initialised); a span starts
 * in `onRequest`, is the current one from `preHandler` on (so the handler's database work
 * becomes its children) and ends with the metrics in `onResponse`. The direct lane does the same
 * for its own calls (direct-lane.ts), which never reach Fastify.
 */
export class RestCallTelemetry {
  private readonly byRoute = new Map<string, RestOperation>();
  private readonly spans = new WeakMap<FastifyRequest, CallSpan>();

  constructor(private readonly metrics: RequestMetrics) {}

  /** Added after early admission (its refusals are measured too) and before the direct routes' hook. */
  install(fastify: FastifyInstance): void {
    const operationOf = (request: FastifyRequest) => (this.byRoute.size > 0 ? this.byRoute.get(`${request.method} ${request.routeOptions.url}`) : undefined);
    fastify.addHook('onRequest', (request, _reply, done) => {
      const operation = tracing.enabled ? operationOf(request) : undefined;
      if (operation !== undefined) {
        const span = tracing.startCall(operation.name, 'rest', (name) => joinedHeader(rawHeader(request.raw.rawHeaders, name)));
        if (span !== undefined) this.spans.set(request, span);
      }
      done();
    });
    fastify.addHook('preHandler', (request, _reply, done) => {
      const span = this.spans.get(request);
      if (span === undefined) done();
      else span.run(done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      const operation = operationOf(request);
      if (operation !== undefined) {
        const code = reply.statusCode < 400 ? 0 : (answeredCodes.get(reply) ?? 2);
        operation.series.record(code, performance.now() - reply.elapsedTime);
        this.spans.get(request)?.end(code);
      }
      done();
    });
  }

  collect(app: INestApplication): void {
    for (const { controller, handler } of controllerHandlers(app)) {
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const name = restOperationOf(handler);
      if (name === undefined) continue;
      for (const key of routeKeys(controller, handler)) this.byRoute.set(key, { name, series: this.metrics.series(name, 'rest') });
    }
  }
}
