import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyBaseLogger, LogController } from 'fastify';
import { nextRequestId } from './common/ids/request-id.js';
import { AppModule } from './app.module.js';
import { AccessPolicy } from './common/auth/access-policy.service.js';
import { BusConnections } from './common/bus/bus-connections.service.js';
import { AppConfig } from './common/config/app-config.js';
import { GrpcWebDoor } from './common/grpc-web/grpc-web.door.js';
import { installGrpcWebRoutes } from './common/grpc-web/grpc-web.routes.js';
import { GrpcMethodTable } from './common/grpc/grpc-method-table.js';
import { grpcOptions } from './common/grpc/grpc-options.js';
import { serviceDefinition } from './common/grpc/service-definition.js';
import { installCors } from './common/http/cors.js';
import { ConnectionCap } from './common/http/connection-cap.js';
import { DirectLane } from './common/http/direct-lane.js';
import { DirectRoutes } from './common/http/direct-routes.js';
import { EarlyAdmission } from './common/http/early-admission.js';
import { MAX_HEADER_BYTES, answerClientError, answerFrameworkError } from './common/http/http-refusals.js';
import { BODY_LIMIT_BYTES, installJsonBodyParser } from './common/http/json-body-parser.js';
import { RestCallTelemetry } from './common/http/rest-call-telemetry.js';
import { RouteTable } from './common/http/route-table.js';
import { createLogger } from './common/logging/create-logger.js';
import { PinoNestLogger } from './common/logging/pino-nest-logger.js';
import { MetricsService } from './common/metrics/metrics.service.js';
import { RequestMetrics } from './common/metrics/request-metrics.js';
import { assertPortFree, portInUseOr } from './common/startup/port-in-use.js';
import { SqlDatabase } from './common/database/sql-database.js';
import { traceDatabase } from './common/tracing/traced-database.js';
import { tracing } from './common/tracing/tracing.js';
import { setupSwagger } from './swagger.js';

/** How often node checks open HTTP requests against the headers and request timeouts. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/**
 * Builds and initialises the service for `config` (not yet listening). Used by `main.ts`, by the
 * tests (which start it on free ports) and by the OpenAPI writer.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel);
  if (config.tracing !== undefined && !tracing.enabled) await tracing.start(config.tracing);
  const requestLogging = config.logLevel === 'debug' || config.logLevel === 'trace';
  const requestMetrics = new RequestMetrics();
  const directRoutes = new DirectRoutes(requestMetrics);
  const restCalls = new RestCallTelemetry(requestMetrics);
  const directLane = new DirectLane(directRoutes);
  const adapter = new FastifyAdapter({
    serverFactory: directLane.serverFactory(),
    loggerInstance: logger,
    genReqId: nextRequestId,
    bodyLimit: BODY_LIMIT_BYTES,
    // a request whose whole body is not in by then is answered 408 (http-refusals.ts) and its connection closed
    requestTimeout: config.limits.requestTimeoutMs,
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      // a missing Host is refused by the server factory, in the error shape (node's own answer has no body)
      requireHostHeader: false,
      headersTimeout: config.limits.headersTimeoutMs,
      // how often node looks for requests past those times (its default, 30 s, would let them run that much longer)
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    // refusals of Fastify's router and of node's parser, in the one error shape too
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      // one line per request only when debugging; errors are always logged by the error filter, with the request id
      disableRequestLogging: !requestLogging,
    }),
    // a logger bound to the request id for every request only when requests are logged
    ...(requestLogging ? {} : { childLoggerFactory: (parent: FastifyBaseLogger) => parent }),
  });
  const routes = new RouteTable();
  const fastify = adapter.getInstance();
  const connectionCap = new ConnectionCap(config.limits.maxConnections);
  connectionCap.apply(fastify.server, 'HTTP_PORT');
  fastify.addHook('onRoute', (route) => routes.add(route.url, route.method));
  installJsonBodyParser(fastify);
  installCors(fastify, config.corsOrigins);
  const grpcWeb = new GrpcWebDoor(new GrpcMethodTable(serviceDefinition()));
  installGrpcWebRoutes(fastify, grpcWeb, requestMetrics);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // before early admission, so that its refusals are traced too
  restCalls.install(fastify);
  const earlyAdmission = new EarlyAdmission();
  earlyAdmission.install(fastify);
  directRoutes.install(fastify);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, routes), adapter, {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  setupSwagger(app);
  if (config.grpcPort > 0) app.connectMicroservice(grpcOptions(config, connectionCap, requestMetrics), { inheritAppConfig: true });
  app.connectMicroservice({ strategy: grpcWeb }, { inheritAppConfig: true });
  const busRequests = app.get(BusConnections).requestServer;
  busRequests?.measureWith(requestMetrics);
  if (busRequests) app.connectMicroservice({ strategy: busRequests }, { inheritAppConfig: true });
  await app.init();
  if (tracing.enabled) traceDatabase(app.get(SqlDatabase), tracing);
  earlyAdmission.collect(app);
  restCalls.collect(app);
  grpcWeb.authenticateWith(app.get(AccessPolicy));
  directRoutes.collect(app);
  // requests logged one by one are logged by Fastify: they all go its way
  if (!requestLogging) directLane.openOn(fastify);
  const metrics = app.get(MetricsService);
  requestMetrics.register(metrics.registry);
  metrics.counterOf('http_direct_lane_requests_total', 'HTTP requests answered on the direct lane, before Fastify', () => directLane.served);
  metrics.counterOf('connections_dropped_total', 'Connections closed as they came because MAX_CONNECTIONS were open (HTTP and gRPC ports)', () => connectionCap.dropped);
  return app;
}

/**
 * Opens the doors: gRPC (when GRPC_PORT is not 0), gRPC-web's handlers and the bus request
 * listener (which connects in the background, so a bus outage never holds up start-up), then
 * HTTP (REST, gRPC-web, Swagger UI), each on its configured address. A port another process holds
 * fails with PortInUseError, an address that is not this machine's with HostUnavailableError.
 */
export async function startListening(app: NestFastifyApplication, config: AppConfig, host = config.httpHost, httpPort = config.httpPort): Promise<void> {
  // tried first: on a busy port Nest and grpc-js log lines of their own before they fail
  if (config.grpcPort > 0) await assertPortFree('GRPC_PORT', config.grpcPort, config.grpcHost);
  if (httpPort > 0) await assertPortFree('HTTP_PORT', httpPort, host);
  await app.startAllMicroservices().catch(portInUseOr('GRPC_PORT', config.grpcHost, config.grpcPort));
  await app.listen({ port: httpPort, host }).catch(portInUseOr('HTTP_PORT', host, httpPort));
}
