import { Injectable } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DomainError } from '../../common/errors/domain-error.js';
import { ErrorKind } from '../../common/errors/error-kind.js';

/** Ready = the database answers within 2 s (and, once configured, the bus is connected). */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.database.pingCheck('database', { timeout: 2000 })]);
    } catch {
      throw new DomainError(ErrorKind.Unavailable, undefined, 'Service unavailable: the database cannot be reached');
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
