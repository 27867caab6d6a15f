import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** The process's Prometheus registry, for every module that exposes a metric. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
