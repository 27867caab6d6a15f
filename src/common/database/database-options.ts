import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema.js';
import { Orgs1763900000000 } from './migrations/1763900000000-orgs.js';
import { EventOutbox1764400000000 } from './migrations/1764400000000-event-outbox.js';

export const MIGRATIONS = [InitialSchema1763800000000, Orgs1763900000000, EventOutbox1764400000000];

/** The TypeORM options of the app and of the migration CLI (`ormconfig.ts`): one definition. */
export function databaseOptions(config: Pick<AppConfig, 'database' | 'migrationsRun'>): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: config.migrationsRun,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.database.kind === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: config.database.url,
      timezone: 'Z',
      charset: 'utf8mb4_bin',
      poolSize: 20,
      connectTimeout: 5000,
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.database.file,
    enableWAL: true,
    timeout: 10_000,
  };
}
