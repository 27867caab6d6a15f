import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError } from '../common/config/config-error.js';
import { loadConfig } from '../common/config/load-config.js';
import { databaseOptions } from '../common/database/database-options.js';
import { firstAnsweringHost } from '../common/database/first-answering-host.js';
import { MigrationLockTimeout } from '../common/database/migration-lock-timeout.js';
import { migrateUnderLock } from '../common/database/schema-migrations.js';
import { errorText } from '../common/errors/error-text.js';

/**
 * `npm run migration:run`: runs the pending migrations of DATABASE_URL (or the embedded database
 * in DATA_DIR) under the same migration lock as a starting service, so it may run while
 * replicas start: whoever comes second waits, then finds nothing to do.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.file), { recursive: true });
  // of several hosts, the first that answers (as the service does at start)
  const url = config.database.kind === 'mysql' ? await firstAnsweringHost(config.database.urls) : undefined;
  const dataSource = await new DataSource(databaseOptions(config, url)).initialize();
  try {
    await migrateUnderLock(dataSource, config.migrationLockWaitMs);
    new Logger('Migrations').log('the schema is up to date');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof MigrationLockTimeout) process.stderr.write(`${error.message.replace(/^Cannot start: /, 'Cannot migrate: ')}\n`);
  else process.stderr.write(`migrations failed: ${errorText(error)}\n`);
  process.exit(1);
});
