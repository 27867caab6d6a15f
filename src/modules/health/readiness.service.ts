import { Injectable } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { BusConnections, BusState } from '../../common/bus/bus-connections.service.js';
import { SqlDatabase } from '../../common/database/sql-database.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorKind } from '../../common/errors/error-kind.js';

/** How long the database may take to answer the readiness ping. */
const DATABASE_PING_TIMEOUT_MS = 2000;

/** Ready = the database answers within 2 s and, when a bus is configured, every bus connection is up. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: SqlDatabase,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: BusConnections,
  ) {}

  async check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.pingDatabase()];
    const busState = this.bus.state();
    if (busState) {
      const session = this.indicators.check('bus');
      checks.push(() => (this.bus.connected ? session.up({ ...busState }) : session.down({ ...busState })));
    }
    try {
      return await this.health.check(checks);
    } catch (error) {
      throw new DomainError(ErrorKind.Unavailable, undefined, `Service unavailable: ${unavailable(error, busState)}`);
    }
  }

  /** `SELECT 1` through the service's own connections (on SQLite the reader), within the timeout. */
  private async pingDatabase() {
    const session = this.indicators.check('database');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PING_TIMEOUT_MS} ms`)), DATABASE_PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.database.ping(), timeout]);
      return session.up();
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }

  async isReady(): Promise<boolean> {
    try {
      await this.check();
      return true;
    } catch {
      return false;
    }
  }
}

/** Names what is down, from terminus' failed result (`response.error` holds the failed checks). */
function unavailable(error: unknown, bus: BusState | undefined): string {
  const failed = (error as { response?: { error?: Record<string, unknown> } }).response?.error ?? {};
  if (!bus || 'database' in failed) return 'the database cannot be reached';
  const requests = bus.requests ? `, requests ${bus.requests}` : '';
  return `the message bus is not connected (${bus.transport}: events ${bus.events}${requests})`;
}
