import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../../common/auth/route-access.decorator.js';
import { MetricsService } from '../../common/metrics/metrics.service.js';
import { ReadinessService } from './readiness.service.js';

/** Operational endpoints for load balancers and scrapers; no token needed. */
@ApiExcludeController()
@Public()
@Controller('debug')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  /** The process is alive. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The service can serve requests: 200, or 503 UNAVAILABLE naming what is down. */
  @Get('ready')
  ready(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.render();
  }
}
