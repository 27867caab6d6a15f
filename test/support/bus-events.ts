import assert from 'node:assert/strict';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNats } from '@nats-io/transport-node';
import { connect as connectAmqp } from 'amqplib';
import Redis from 'ioredis';
import { connectAsync as connectMqtt } from 'mqtt';
import { EVENTS_EXCHANGE } from '../../src/common/bus/bus-names.js';
import { redisConnection } from '../../src/common/bus/redis-connection.js';

/** An event as a consumer received it: where it arrived (subject, routing key, channel, topic) and its body. */
export interface ReceivedEvent {
  destination: string;
  body: any;
}

export interface EventCollector {
  readonly received: ReceivedEvent[];
  /** Only the events of one instance (brokers shared with other tests carry theirs too). */
  of(instanceId: string): ReceivedEvent[];
  close(): Promise<void>;
}

function collector(close: () => Promise<unknown>): { received: ReceivedEvent[]; add(destination: string, raw: string): void; done: EventCollector } {
  const received: ReceivedEvent[] = [];
  return {
    received,
    add: (destination, raw) => received.push({ destination, body: JSON.parse(raw) }),
    done: { received, of: (instanceId) => received.filter((event) => event.body.instanceId === instanceId), close: async () => void (await close()) },
  };
}

/** A core NATS subscription to every event subject. */
export async function collectNats(url: string): Promise<EventCollector> {
  const connection = await connectNats({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  const { add, done } = collector(() => connection.close());
  connection.subscribe('zitadel.events.>', {
    callback: (error, message) => {
      if (!error) add(message.subject, message.string());
    },
  });
  await connection.flush();
  return done;
}

/** A queue of the test's own, bound to the events exchange for every routing key. */
export async function collectRabbitMq(url: string): Promise<EventCollector> {
  const connection = await connectAmqp(url);
  const channel = await connection.createChannel();
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, EVENTS_EXCHANGE, '#');
  const { add, done } = collector(() => connection.close());
  await channel.consume(queue, (message) => message && add(message.fields.routingKey, message.content.toString()), { noAck: true });
  return done;
}

export async function collectRedis(url: string): Promise<EventCollector> {
  const redis = new Redis(redisConnection(url));
  const { add, done } = collector(() => redis.quit());
  redis.on('pmessage', (_pattern, channel, message) => add(channel, message));
  await redis.psubscribe('zitadel.events.*');
  return done;
}

export async function collectMqtt(url: string): Promise<EventCollector> {
  const client = await connectMqtt(url);
  const { add, done } = collector(() => client.endAsync());
  client.on('message', (topic, payload) => topic.startsWith('zitadel.events.') && add(topic, payload.toString()));
  await client.subscribeAsync('#', { qos: 1 });
  return done;
}

/**
 * A JetStream stream on `zitadel.events.>`: the server keeps every event published to it, also
 * while no consumer is connected and across a restart of the server (file storage).
 */
export async function captureInStream(url: string, name = 'EVENTS'): Promise<{ count(): Promise<number>; read(): Promise<ReceivedEvent[]> }> {
  const withManager = async <T>(work: (manager: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> => {
    const connection = await connectNats({ servers: url });
    try {
      return await work(await jetstreamManager(connection));
    } finally {
      await connection.close();
    }
  };
  await withManager((manager) => manager.streams.add({ name, subjects: ['zitadel.events.>'] }));
  return {
    count: () => withManager(async (manager) => (await manager.streams.info(name)).state.messages),
    read: () =>
      withManager(async (manager) => {
        const { first_seq: first, last_seq: last } = (await manager.streams.info(name)).state;
        const events: ReceivedEvent[] = [];
        for (let seq = first; seq <= last && last > 0; seq++) {
          const message = await manager.streams.getMessage(name, { seq });
          if (message) events.push({ destination: message.subject, body: message.json() });
        }
        return events;
      }),
  };
}

/** Polls `check` until it returns something truthy, or fails naming `what`. */
export async function waitFor<T>(check: () => T | false | undefined | Promise<T | false | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | false | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export interface Deliveries {
  /** The first delivery of each event, by `aggregateId/sequence`. */
  unique: Map<string, ReceivedEvent>;
  /** Per aggregate, the sequences in the order they first arrived. */
  sequences: Map<string, number[]>;
  duplicates: number;
}

/** Sorts at-least-once deliveries out, deduplicating on (aggregateId, sequence); a repeat must carry the same body. */
export function deliveries(received: ReceivedEvent[]): Deliveries {
  const unique = new Map<string, ReceivedEvent>();
  const sequences = new Map<string, number[]>();
  let duplicates = 0;
  for (const event of received) {
    const key = `${event.body.aggregateId}/${event.body.sequence}`;
    const first = unique.get(key);
    if (first) {
      assert.deepEqual(event.body, first.body, `a repeat of ${key} carries the same body`);
      duplicates++;
      continue;
    }
    unique.set(key, event);
    sequences.set(event.body.aggregateId, [...(sequences.get(event.body.aggregateId) ?? []), Number(event.body.sequence)]);
  }
  return { unique, sequences, duplicates };
}

/** Asserts that each aggregate's sequences arrived in order without a gap, from `from` (default: its first). */
export function assertInOrderWithoutGaps(sequences: Map<string, number[]>, from?: number): void {
  for (const [aggregate, list] of sequences) {
    const start = from ?? list[0];
    assert.deepEqual(list, Array.from({ length: list.length }, (_, i) => start + i), `aggregate ${aggregate}: in order, no gap`);
  }
}
