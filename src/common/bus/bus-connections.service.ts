import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ApiRequestServer } from './api-request-server.js';
import { EventPublisher } from './event-publisher.js';

/** What readiness reports about the bus. */
export interface BusState {
  transport: string;
  /** The connection events are published on. */
  events: 'connected' | 'disconnected';
  /** The connection API requests arrive on; absent when BUS_REQUESTS=false. */
  requests?: 'connected' | 'disconnected';
}

/**
 * The service's two connections to the message bus, when one is configured: the client that
 * publishes events (used by the outbox relay) and the server that answers API requests (started
 * by the app as a hybrid-app listener). Knows whether both are connected.
 */
@Injectable()
export class BusConnections implements OnApplicationShutdown {
  readonly publisher?: EventPublisher;
  readonly requestServer?: ApiRequestServer;
  private requestStatus = 'disconnected';
  private readonly requestStatusUpdates?: Subscription;

  constructor(config: AppConfig, metrics: MetricsService) {
    if (config.bus.transport === 'none') return;
    this.publisher = EventPublisher.create(config.bus);
    if (config.bus.serveRequests) {
      this.requestServer = ApiRequestServer.create(config.bus);
      this.requestStatusUpdates = this.requestServer.status.subscribe((status) => (this.requestStatus = status));
    }
    metrics.gauge('bus_connected', 'Whether every connection to the message bus is up (1) or not (0).', () => (this.connected ? 1 : 0));
  }

  /** True when no bus is configured, or when every bus connection is up. */
  get connected(): boolean {
    const state = this.state();
    return state === undefined || (state.events === 'connected' && state.requests !== 'disconnected');
  }

  /** The bus connections' state, or undefined when no bus is configured. */
  state(): BusState | undefined {
    if (!this.publisher) return undefined;
    const up = (connected: boolean) => (connected ? 'connected' : 'disconnected');
    return {
      transport: this.publisher.transport,
      events: up(this.publisher.connected),
      ...(this.requestServer ? { requests: up(this.requestStatus === 'connected' || this.requestStatus === 'unblocked') } : {}),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.requestStatusUpdates?.unsubscribe();
    await this.publisher?.close();
  }
}
