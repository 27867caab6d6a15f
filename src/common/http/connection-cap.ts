import { Logger } from '@nestjs/common';
import { Server } from 'node:net';

/** Least time between two log lines about connections closed at the cap. */
const LOG_EVERY_MS = 10_000;

/**
 * Caps the open connections of one port (MAX_CONNECTIONS): node closes each connection that
 * arrives while `max` are open, before a byte is read. Such closings are counted, and logged at
 * most every 10 s, naming the port's variable.
 */
export class ConnectionCap {
  private readonly logger = new Logger('Connections');
  /** Connections closed at the cap since start (the `connections_dropped_total` metric). */
  dropped = 0;
  private loggedAt = -Infinity;

  constructor(private readonly max: number) {}

  apply(server: Server, portVariable: string): void {
    server.maxConnections = this.max;
    server.on('drop', () => {
      this.dropped++;
      const now = Date.now();
      if (now - this.loggedAt < LOG_EVERY_MS) return;
      this.loggedAt = now;
      this.logger.warn(`${portVariable}: ${this.max} connections are open, the most MAX_CONNECTIONS allows; new ones are closed (${this.dropped} so far)`);
    });
  }
}
