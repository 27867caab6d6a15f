import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server, ServerMqtt, ServerNats, ServerRMQ, ServerRedis, TransportId } from '@nestjs/microservices';
import { Observable, isObservable, tap } from 'rxjs';
import { BusConfig } from '../config/app-config.js';
import { errorText } from '../errors/error-text.js';
import { RequestMetrics, operationOfRpcName } from '../metrics/request-metrics.js';
import { tracing } from '../tracing/tracing.js';
import { isApiRequestPattern } from './bus-names.js';
import { PlainNatsRequestDeserializer } from './plain-nats-request.deserializer.js';
import { KnownPatternsDeserializer, UNKNOWN_METHOD_PATTERN, answerUnknownMethod } from './unknown-method.js';
import { BusMetadata } from './bus-metadata.js';
import { redisConnection } from './redis-connection.js';

/** What is used of a Nest transport server (its status type differs per transport). */
type TransportServer = Pick<Server, 'addHandler' | 'listen' | 'close' | 'unwrap' | 'transportId'> & { readonly status: Observable<string> };

/** A request as it arrives on the bus (SPEC §8). */
interface BusEnvelope {
  metadata?: unknown;
  request?: unknown;
}

/**
 * The bus door: a Nest transport server that answers the API request patterns
 * (`zitadel.admin.v1.AdminService.<Method>`, …) with the same handlers, guard, validation and
 * error filter as the gRPC door. It unwraps `{metadata, request}` into the `(request, metadata)`
 * pair those handlers take, and subscribes in a way that one process answers each request
 * (NATS queue group, RabbitMQ queue, MQTT shared subscription; Redis has no such thing).
 *
 * It never holds up start-up: the broker may be down, and the server connects when it is back.
 */
export class ApiRequestServer implements CustomTransportStrategy {
  private readonly logger = new Logger('BusRequests');
  private metrics?: RequestMetrics;
  readonly transportId?: TransportId;

  private constructor(
    private readonly inner: TransportServer,
    private readonly subscriptionOf: (pattern: string) => string,
    /** The request patterns served. */
    private readonly served = new Set<string>(),
  ) {
    this.transportId = inner.transportId;
  }

  static create(config: Extract<BusConfig, { url: string }>): ApiRequestServer {
    const reconnect = { waitOnFirstConnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 1000 };
    switch (config.transport) {
      case 'nats':
        return new ApiRequestServer(
          new ServerNats({ servers: [config.url], queue: config.requestQueue, deserializer: new PlainNatsRequestDeserializer(), ...reconnect }),
          (p) => p,
        );
      case 'rmq': {
        const served = new Set<string>();
        const deserializer = new KnownPatternsDeserializer((pattern) => served.has(pattern));
        const server = new ServerRMQ({ urls: [config.url], queue: config.requestQueue, queueOptions: { durable: true }, deserializer });
        server.addHandler(UNKNOWN_METHOD_PATTERN, answerUnknownMethod);
        return new ApiRequestServer(server, (p) => p, served);
      }
      case 'redis':
        return new ApiRequestServer(
          new ServerRedis({ ...redisConnection(config.url), retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 1000 }),
          (p) => p,
        );
      case 'mqtt':
        return new ApiRequestServer(new ServerMqtt({ url: config.url, reconnectPeriod: 1000 }), (p) => `$share/${config.requestQueue}/${p}`);
    }
  }

  /** Measures the requests answered from now on (api_requests_total, api_request_duration_seconds with door="bus"). */
  measureWith(metrics: RequestMetrics): void {
    this.metrics = metrics;
  }

  /** Called by Nest for every message handler; only the API request patterns are served here. */
  addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    if (isEventHandler || !isApiRequestPattern(pattern)) return;
    this.served.add(pattern);
    const operation = operationOfRpcName(pattern);
    const series = this.metrics?.series(operation, 'bus');
    const handler: MessageHandler = (envelope: BusEnvelope | undefined) => {
      const startedAt = performance.now();
      const { metadata, request } = envelope !== null && typeof envelope === 'object' ? envelope : ({} as BusEnvelope);
      const busMetadata = new BusMetadata(pattern, metadata);
      const span = tracing.startCall(operation, 'bus', (name) => busMetadata.get(name)[0]);
      const answer = span === undefined ? callback(request, busMetadata) : span.run(() => callback(request, busMetadata));
      return series === undefined ? answer : measured(answer, (code) => {
        series.record(code, startedAt);
        span?.end(code);
      });
    };
    this.inner.addHandler(this.subscriptionOf(pattern), handler, false, extras);
  }

  listen(callback: () => void): void {
    this.inner.listen((error?: unknown) => {
      if (error) this.logger.error(`the bus request door could not start: ${errorText(error)}`);
      else this.logger.log('answering API requests on the bus');
    });
    callback();
  }

  close(): Promise<void> {
    return Promise.resolve(this.inner.close());
  }

  get status(): Observable<string> {
    return this.inner.status;
  }

  unwrap<T>(): T {
    return this.inner.unwrap<T>();
  }
}

/** The reply of a handler, with `done` told its code as it completes: 0, or the code of the error object the error filter made. */
function measured(answer: Promise<unknown>, done: (code: number) => void): Promise<unknown> {
  const failed = (error: unknown) => done(codeOf(error));
  return answer.then(
    (result) => {
      if (!isObservable(result)) {
        done(0);
        return result;
      }
      return result.pipe(tap({ complete: () => done(0), error: failed }));
    },
    (error: unknown) => {
      failed(error);
      throw error;
    },
  );
}

function codeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : 2;
}
