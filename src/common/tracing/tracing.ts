import { Context, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, Tracer, context, propagation, trace } from '@opentelemetry/api';
import type { TracingConfig } from '../config/app-config.js';
import type { Door } from '../metrics/request-metrics.js';

/** Reads a propagated trace context (`traceparent`) from a request's headers or metadata. */
export type CarrierGetter = (name: string) => string | undefined;

/** gRPC codes that mean the service failed (OpenTelemetry's rule for servers); the others are the caller's doing. */
const SERVER_FAULTS = new Set([2, 4, 12, 13, 14, 15]);

/** The span of one API call on its door. */
export class CallSpan {
  constructor(
    private readonly span: Span,
    private readonly spanContext: Context,
  ) {}

  /** Runs `work` with this span as the current one, so that database work becomes its children. */
  run<T>(work: () => T): T {
    return context.with(this.spanContext, work);
  }

  /** Ends the span with the gRPC `code` of the answer. */
  end(code: number): void {
    this.span.setAttribute('rpc.grpc.status_code', code);
    if (SERVER_FAULTS.has(code)) this.span.setStatus({ code: SpanStatusCode.ERROR });
    this.span.end();
  }
}

/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT).
 * On, every API call gets a server span on its door, named as its operation
 * (`AdminService/ListLoginPolicySecondFactors`), a child of the caller's `traceparent` when it
 * sends one, with a child span for each database statement or transaction it waits for; spans
 * go to the endpoint over OTLP/HTTP in batches. Off, nothing of the SDK is loaded and the doors
 * pay one boolean test per call.
 */
export class Tracing {
  private tracer?: Tracer;
  private shutdownProvider?: () => Promise<void>;

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /** Loads the SDK and starts exporting to `config.tracesUrl`. */
  async start(config: TracingConfig): Promise<void> {
    const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.serviceName }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }), { scheduledDelayMillis: config.exportDelayMs })],
    });
    // the process-wide provider, the AsyncLocalStorage context manager and the W3C trace-context propagator
    provider.register();
    this.tracer = provider.getTracer('login-policy-factors');
    this.shutdownProvider = () => provider.shutdown();
  }

  /** A server span for one call of `operation` on `door`; undefined while tracing is off. */
  startCall(operation: string, door: Door, carrier?: CarrierGetter): CallSpan | undefined {
    const tracer = this.tracer;
    if (tracer === undefined) return undefined;
    const parent = carrier === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, carrier, { get: (get, key) => get(key), keys: () => [] });
    const [service, method] = operation.split('/');
    const span = tracer.startSpan(
      operation,
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'api.door': door } },
      parent,
    );
    return new CallSpan(span, trace.setSpan(parent, span));
  }

  /** A client span around database `work` (a child of the current call's span), named `name`. */
  database<T>(name: string, attributes: Record<string, string>, work: () => Promise<T>): Promise<T> {
    const tracer = this.tracer as Tracer;
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
    const ended = (failed: boolean) => {
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    return context.with(trace.setSpan(context.active(), span), work).then(
      (result) => {
        ended(false);
        return result;
      },
      (error: unknown) => {
        ended(true);
        throw error;
      },
    );
  }

  /** Sends the spans still waiting and stops. */
  async shutdown(): Promise<void> {
    await this.shutdownProvider?.();
    this.tracer = undefined;
  }
}

/** The process's tracing (one provider per process, as OpenTelemetry has it). */
export const tracing = new Tracing();
