import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { AccessGuard } from './common/auth/access.guard.js';
import { AuthModule } from './common/auth/auth.module.js';
import { BusModule } from './common/bus/bus.module.js';
import { AppConfig } from './common/config/app-config.js';
import { ConfigModule } from './common/config/config.module.js';
import { DatabaseModule } from './common/database/database.module.js';
import { ErrorFilter } from './common/errors/error.filter.js';
import { MetricsModule } from './common/metrics/metrics.module.js';
import { RouteTable } from './common/http/route-table.js';
import { TracingShutdown } from './common/tracing/tracing-shutdown.js';
import { RequestValidationPipe } from './common/validation/request-validation.pipe.js';
import { FactorSetsModule } from './modules/factor-sets/factor-sets.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { EventHistoryModule } from './modules/events/event-history.module.js';
import { OutboxModule } from './modules/events/outbox/outbox.module.js';
import { InstancePolicyModule } from './modules/instance-policy/instance-policy.module.js';
import { OrgPolicyModule } from './modules/org-policy/org-policy.module.js';
import { OrgsModule } from './modules/orgs/orgs.module.js';
import { SettingsModule } from './modules/settings/settings.module.js';

/** The whole service: global guard, pipe and filter, and the feature modules. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, routes: RouteTable): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DiscoveryModule,
        DatabaseModule,
        MetricsModule,
        BusModule,
        AuthModule,
        HealthModule,
        InstancePolicyModule,
        OrgsModule,
        OrgPolicyModule,
        FactorSetsModule,
        SettingsModule,
        EventHistoryModule,
        OutboxModule,
      ],
      providers: [
        { provide: RouteTable, useValue: routes },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
        { provide: APP_FILTER, useClass: ErrorFilter },
        TracingShutdown,
      ],
    };
  }
}
