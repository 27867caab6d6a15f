import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Counter } from 'prom-client';
import { BusConnections } from '../../../common/bus/bus-connections.service.js';
import { EventPublisher } from '../../../common/bus/event-publisher.js';
import { errorText } from '../../../common/errors/error-text.js';
import { MetricsService } from '../../../common/metrics/metrics.service.js';
import { toEventMessage } from '../event.mapper.js';
import { OutboxRepository } from './outbox.repository.js';

/** Events per round; each round is published in order and acknowledged as a whole. */
const RELAY_BATCH_SIZE = 200;
/** How often an idle relay looks for new events (other processes' commits included). */
const IDLE_POLL_MS = 100;
/** A process that stops renewing loses the lease after this long; another then takes over. */
const LEASE_TTL_MS = 15_000;
const LEASE_RENEW_AFTER_MS = 5_000;
/** How often a process without the lease asks for it. */
const LEASE_RETRY_MS = 1_000;
const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5_000;
/** Failures shorter than this (like connecting at start-up) are not worth a warning. */
const WARN_AFTER_MS = 2_000;

/**
 * The outbox relay: publishes stored events to the bus in position order and removes them from
 * the outbox only after the broker has accepted them. While the bus is down it retries with
 * backoff (the events wait in the database, across restarts too). Of all processes sharing the
 * database, only the one holding the lease publishes, so per-aggregate order holds with any
 * number of processes. Delivery is at least once: a batch whose acknowledgement was lost is
 * sent again, and consumers dedupe on (aggregateId, sequence).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly publisher?: EventPublisher;
  private readonly published?: Counter;
  private readonly failures?: Counter;
  private leaseClaimedAt?: number;
  private backoffMs = BACKOFF_MIN_MS;
  private failingSince?: number;
  private warned = false;
  private stopping = false;
  private running?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly outbox: OutboxRepository,
    bus: BusConnections,
    metrics: MetricsService,
  ) {
    this.publisher = bus.publisher;
    if (!this.publisher) return;
    this.published = metrics.counter('outbox_published_events_total', 'Events the message bus has accepted from the outbox.');
    this.failures = metrics.counter(
      'outbox_publish_failures_total',
      'Relay rounds that could not hand waiting events to the bus (not connected, refused, or not acknowledged in time).',
    );
    metrics.gauge('outbox_backlog_events', 'Stored events not yet accepted by the message bus.', () =>
      this.outbox.backlog().catch(() => Number.NaN),
    );
    metrics.gauge('outbox_relay_lease_held', 'Whether this process holds the relay lease and publishes (1) or stands by (0).', () =>
      this.leaseClaimedAt === undefined ? 0 : 1,
    );
  }

  onApplicationBootstrap(): void {
    if (!this.publisher) return;
    // a broker that is back ends the backoff at once
    this.publisher.onConnected(() => {
      this.backoffMs = BACKOFF_MIN_MS;
      this.wakeUp?.();
    });
    this.publisher.connect();
    this.running = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.running;
    if (this.leaseClaimedAt === undefined) return;
    await this.outbox.releaseLease(this.holder).catch((error: unknown) => {
      this.logger.warn(`could not release the relay lease (another process takes over when it expires): ${errorText(error)}`);
    });
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const pauseMs = await this.round().catch((error: unknown) => this.failed(error));
      if (pauseMs > 0) await this.pause(pauseMs);
    }
  }

  /** One round; answers how long to pause before the next. */
  private async round(): Promise<number> {
    const publisher = this.publisher as EventPublisher;
    if (!(await this.holdLease())) return LEASE_RETRY_MS;
    const events = await this.outbox.next(RELAY_BATCH_SIZE);
    if (events.length === 0) return IDLE_POLL_MS;
    await publisher.publish(events.map((event) => ({ type: event.type, body: toEventMessage(event) })));
    await this.outbox.removeThrough(events[events.length - 1].position);
    this.published?.inc(events.length);
    if (this.warned) {
      const seconds = Math.round((Date.now() - (this.failingSince ?? Date.now())) / 1000);
      this.logger.log(`the ${publisher.transport} bus accepts events again after ${seconds} s; publishing the backlog`);
    }
    this.failingSince = undefined;
    this.warned = false;
    this.backoffMs = BACKOFF_MIN_MS;
    return events.length === RELAY_BATCH_SIZE ? 0 : IDLE_POLL_MS;
  }

  private failed(error: unknown): number {
    this.failures?.inc();
    this.failingSince ??= Date.now();
    if (!this.warned && Date.now() - this.failingSince >= WARN_AFTER_MS) {
      this.warned = true;
      this.logger.warn(`events wait in the outbox: ${errorText(error)}; retrying with backoff`);
    } else {
      this.logger.debug(`publishing failed: ${errorText(error)}`);
    }
    const pauseMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    return pauseMs;
  }

  /** Whether this process may publish now: renews the lease when it is due, or tries to take it. */
  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    if (this.leaseClaimedAt !== undefined && now - this.leaseClaimedAt < LEASE_RENEW_AFTER_MS) return true;
    const held = await this.outbox.claimLease(this.holder, now, now + LEASE_TTL_MS);
    if (held && this.leaseClaimedAt === undefined) this.logger.log(`this process (${this.holder}) now publishes the outbox`);
    this.leaseClaimedAt = held ? now : undefined;
    return held;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
