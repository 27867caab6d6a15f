import type { Server, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { RequestMetrics, operationOfRpcName } from '../metrics/request-metrics.js';
import { tracing } from '../tracing/tracing.js';
import { deadlinePassed } from './deadline.js';

const UNKNOWN = 2;
const DEADLINE_EXCEEDED = 4;

/** What a unary handler of grpc-js is called with. */
type UnaryHandler = (call: UnaryCall, callback: (error: { code?: number } | null, ...rest: unknown[]) => void) => void;

interface UnaryCall {
  getDeadline(): Date | number;
  metadata: { get(key: string): unknown[] };
}

/**
 * Measures every unary call of the services added to `server` from now on (api_requests_total,
 * api_request_duration_seconds with door="grpc"), and gives it a span while tracing is on: their
 * handlers are wrapped as grpc-js takes them, so a call is recorded when its answer is handed to
 * grpc-js, refusals of the guard included. A call answered after its deadline counts as DEADLINE_EXCEEDED, as its caller saw it.
 * Services added before (server reflection) are not measured.
 */
export function measureGrpcCalls(server: Server, metrics: RequestMetrics): void {
  const addService = server.addService.bind(server);
  server.addService = (service: ServiceDefinition, implementation: UntypedServiceImplementation) => {
    const measured: UntypedServiceImplementation = { ...implementation };
    for (const [name, method] of Object.entries(service)) {
      const handler = (implementation[name] ?? implementation[method.originalName as string]) as UnaryHandler | undefined;
      if (typeof handler !== 'function' || method.requestStream || method.responseStream) continue;
      const operation = operationOfRpcName(method.path);
      const series = metrics.series(operation, 'grpc');
      const wrapped: UnaryHandler = (call, callback) => {
        const startedAt = performance.now();
        const span = tracing.startCall(operation, 'grpc', (name) => metadataText(call.metadata.get(name)));
        const answered: typeof callback = (error, ...rest) => {
          const code = error ? (typeof error.code === 'number' ? error.code : UNKNOWN) : deadlinePassed(call) ? DEADLINE_EXCEEDED : 0;
          series.record(code, startedAt);
          span?.end(code);
          callback(error, ...rest);
        };
        if (span === undefined) handler.call(implementation, call, answered);
        else span.run(() => handler.call(implementation, call, answered));
      };
      measured[name] = wrapped as UntypedServiceImplementation[string];
      if (typeof method.originalName === 'string') measured[method.originalName] = measured[name];
    }
    addService(service, measured);
  };
}

function metadataText(values: unknown[]): string | undefined {
  return values.length > 0 ? String(values[0]) : undefined;
}

