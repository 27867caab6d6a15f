import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, startListening } from './app.factory.js';
import { AppConfig } from './common/config/app-config.js';
import { ConfigError } from './common/config/config-error.js';
import { loadConfig } from './common/config/load-config.js';
import { MigrationLockTimeout } from './common/database/migration-lock-timeout.js';
import { listenAddress } from './common/startup/listen-address.js';
import { HostUnavailableError, PortInUseError } from './common/startup/port-in-use.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await startListening(app, config);
  const where = config.database.kind === 'sqlite' ? `embedded SQLite at ${config.database.file}` : 'MySQL';
  const auth = config.auth.mode === 'development' ? 'development key (mint tokens with `npm run -s token`)' : config.auth.issuer;
  const logger = new Logger('Main');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: finishing open requests and closing the database`);
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
    });
  }
  const grpc = config.grpcPort > 0 ? `gRPC on ${listenAddress(config.grpcHost, config.grpcPort)}` : 'gRPC off';
  const browsers = config.corsOrigins.length > 0 ? `browsers from ${config.corsOrigins.join(', ')}` : 'no browser origins (CORS_ORIGINS)';
  const traces = config.tracing ? `to ${config.tracing.tracesUrl}` : 'off';
  logger.log(`listening on http://${listenAddress(config.httpHost, config.httpPort)} (REST, gRPC-web, docs at /docs; ${browsers}), ${grpc}; database: ${where}; tokens: ${auth}; bus: ${busSummary(config)}; traces: ${traces}`);
}

function busSummary(config: AppConfig): string {
  if (config.bus.transport === 'none') return 'none';
  const url = new URL(config.bus.url);
  if (url.password) url.password = '***';
  return `${config.bus.transport} at ${url.toString()} (events${config.bus.serveRequests ? ' and API requests' : ''})`;
}

/** Resolves once the service listens (src/start.ts then writes the code cache). */
export const started = main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PortInUseError || error instanceof HostUnavailableError || error instanceof MigrationLockTimeout) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
