import { Logger } from '@nestjs/common';
import { ClientMqtt, ClientNats, ClientProxy, ClientRMQ, ClientRedis, MqttRecord, MqttRecordBuilder, Serializer } from '@nestjs/microservices';
import { Observable, Subscription, lastValueFrom } from 'rxjs';
import { ActiveBusTransport, BusConfig } from '../config/app-config.js';
import { errorText } from '../errors/error-text.js';
import { EVENTS_EXCHANGE, EVENT_PATTERN_PREFIX } from './bus-names.js';
import { redisConnection } from './redis-connection.js';

/** One event to publish: its type (which decides the subject) and the body consumers receive. */
export interface OutgoingEvent {
  type: string;
  body: object;
}

/** How long a batch may take to be accepted by the broker before it counts as failed. */
const PUBLISH_TIMEOUT_MS = 5000;

/** What differs per transport: the client, the subject of an event, the record, the acknowledgement. */
interface TransportBinding {
  client: Pick<ClientProxy, 'connect' | 'emit' | 'close'>;
  status: Observable<string>;
  pattern(eventType: string): string;
  record(body: object): unknown;
  /** Resolves once the broker has what was emitted so far (a no-op where emit already waits for it). */
  confirm(): Promise<void>;
}

/**
 * Publishes events through a Nest transport client and resolves only once the broker has
 * accepted all of them: NATS after a flush round trip, RabbitMQ on publisher confirms (persistent
 * messages), Redis on the PUBLISH reply, MQTT on the QoS 1 acknowledgement. The wire body is the
 * event itself, without Nest's envelope, so consumers in any language read it as it is.
 *
 * Nothing is handed to a client that is not connected: the clients would otherwise buffer the
 * messages and send them again and again after a reconnect.
 */
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private status = 'disconnected';
  private connecting?: Promise<unknown>;
  private readonly statusUpdates: Subscription;
  private readonly reconnectListeners: (() => void)[] = [];

  private constructor(
    readonly transport: ActiveBusTransport,
    private readonly binding: TransportBinding,
  ) {
    this.statusUpdates = binding.status.subscribe((status) => {
      const wasConnected = this.connected;
      this.status = String(status);
      if (!wasConnected && this.connected) for (const listener of this.reconnectListeners) listener();
    });
  }

  static create(config: Extract<BusConfig, { url: string }>): EventPublisher {
    return new EventPublisher(config.transport, bindingFor(config));
  }

  get connected(): boolean {
    return this.status === 'connected' || this.status === 'unblocked';
  }

  /** Calls `listener` whenever the connection comes (back) up. */
  onConnected(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /**
   * Starts connecting unless an attempt is under way; the clients keep reconnecting on their own
   * after that. Failures are the relay's to report (once per outage), so they are only debug here.
   */
  connect(): void {
    this.connecting ??= this.binding.client
      .connect()
      .catch((error: unknown) => this.logger.debug(`cannot connect to the ${this.transport} broker: ${errorText(error)}`))
      .finally(() => (this.connecting = undefined));
  }

  /** Emits the events in their order and waits until the broker has accepted them all. */
  async publish(events: OutgoingEvent[]): Promise<void> {
    if (!this.connected) {
      this.connect();
      throw new Error(`not connected to the ${this.transport} broker`);
    }
    const { client, pattern, record, confirm } = this.binding;
    const emitted = events.map((event) => lastValueFrom(client.emit(pattern(event.type), record(event.body)), { defaultValue: undefined }));
    await withTimeout(
      Promise.all(emitted).then(() => confirm()),
      PUBLISH_TIMEOUT_MS,
      `the ${this.transport} broker did not accept ${events.length} event(s) within ${PUBLISH_TIMEOUT_MS} ms`,
    );
  }

  async close(): Promise<void> {
    this.statusUpdates.unsubscribe();
    await this.binding.client.close();
  }
}

function bindingFor(config: Extract<BusConfig, { url: string }>): TransportBinding {
  const subject = (eventType: string) => `${EVENT_PATTERN_PREFIX}${eventType}`;
  const asIs = (body: object) => body;
  const done = async () => {};
  switch (config.transport) {
    case 'nats': {
      const client = new ClientNats({
        servers: [config.url],
        waitOnFirstConnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        serializer: bareBody((body) => ({ data: JSON.stringify(body) })),
      });
      // core NATS publishes are fire and forget: a flush round trip proves the server has them
      return bind(client, { pattern: subject, record: asIs, confirm: () => client.unwrap<{ flush(): Promise<void> }>().flush() });
    }
    case 'rmq':
      return bind(
        new ClientRMQ({
          urls: [config.url],
          exchange: EVENTS_EXCHANGE,
          exchangeType: 'topic',
          wildcards: true,
          persistent: true,
          serializer: bareBody((body) => ({ ...body })),
        }),
        { pattern: (eventType) => eventType, record: asIs, confirm: done },
      );
    case 'redis':
      return bind(
        new ClientRedis({
          ...redisConnection(config.url),
          retryAttempts: Number.MAX_SAFE_INTEGER,
          retryDelay: 1000,
          enableOfflineQueue: false,
          serializer: bareBody((body) => body),
        }),
        { pattern: subject, record: asIs, confirm: done },
      );
    case 'mqtt':
      return bind(new ClientMqtt({ url: config.url, reconnectPeriod: 1000, serializer: bareBody((body) => JSON.stringify(body)) }), {
        pattern: subject,
        record: (body) => new MqttRecordBuilder(body).setQoS(1).build(),
        confirm: done,
      });
  }
}

function bind<E extends Record<never, Function>, S extends string>(
  client: ClientProxy<E, S>,
  rest: Omit<TransportBinding, 'client' | 'status'>,
): TransportBinding {
  return { client, status: client.status, ...rest };
}

/** A serializer that sends only the event body (unwrapping an MQTT record), in the form the client expects. */
function bareBody(encode: (body: object) => unknown): Serializer {
  return {
    serialize: (packet: { data: unknown }) => encode((packet.data instanceof MqttRecord ? packet.data.data : packet.data) as object),
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
