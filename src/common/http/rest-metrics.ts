import { INestApplication } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { FastifyInstance, FastifyReply } from 'fastify';
import { OperationSeries, RequestMetrics, operationOfOperationId } from '../metrics/request-metrics.js';
import { controllerHandlers } from './controller-handlers.js';
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

/**
 * Per-call metrics (door="rest") of the REST calls Fastify answers: an `onResponse` hook looks the
 * route up among the controllers' routes once the application is initialised. The direct lane
 * records its own calls (direct-lane.ts), which never reach Fastify.
 */
export class RestMetrics {
  private readonly byRoute = new Map<string, OperationSeries>();

  constructor(private readonly metrics: RequestMetrics) {}

  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const series = this.byRoute.size > 0 ? this.byRoute.get(`${request.method} ${request.routeOptions.url}`) : undefined;
      if (series !== undefined) series.record(reply.statusCode < 400 ? 0 : (answeredCodes.get(reply) ?? 2), performance.now() - reply.elapsedTime);
      done();
    });
  }

  collect(app: INestApplication): void {
    for (const { controller, handler } of controllerHandlers(app)) {
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const operation = restOperationOf(handler);
      if (operation === undefined) continue;
      for (const key of routeKeys(controller, handler)) this.byRoute.set(key, this.metrics.series(operation, 'rest'));
    }
  }
}
