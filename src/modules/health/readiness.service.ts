import { Injectable } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { BusConnections, BusState } from '../../common/bus/bus-connections.service.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorKind } from '../../common/errors/error-kind.js';

/** Ready = the database answers within 2 s and, when a bus is configured, every bus connection is up. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly bus: BusConnections,
  ) {}

  async check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.database.pingCheck('database', { timeout: 2000 })];
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
