import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { InitialSchema1763800000000 } from './migrations/1763800000000-initial-schema.js';
import { Orgs1763900000000 } from './migrations/1763900000000-orgs.js';
import { EventOutbox1764400000000 } from './migrations/1764400000000-event-outbox.js';
import { CommitOrderedPositions1764900000000 } from './migrations/1764900000000-commit-ordered-positions.js';

export const MIGRATIONS = [InitialSchema1763800000000, Orgs1763900000000, EventOutbox1764400000000, CommitOrderedPositions1764900000000];

/** Connections per pool (one pool per database host). */
export const MYSQL_POOL_SIZE = 20;

/** How every MySQL connection of the service is made: TypeORM's pool and the failover pools of the other hosts alike. */
export const MYSQL_CONNECTION = {
  timezone: 'Z',
  charset: 'utf8mb4_bin',
  connectTimeout: 5000,
  // the command path sends a transaction's writes and its commit as one batch (see MysqlDatabase)
  multipleStatements: true,
  // times stay text ("YYYY-MM-DD HH:MM:SS.mmm" UTC) and bigints numbers: no Date objects on the read path
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: false,
} as const;

/**
 * The TypeORM options of the app and of the migration CLI (`ormconfig.ts`): one definition. Each
 * module registers its own entities (the app loads them with `autoLoadEntities`, the CLI finds
 * them by file name).
 */
export function databaseOptions(config: Pick<AppConfig, 'database'>, mysqlUrl?: string): DataSourceOptions {
  const common = {
    migrations: MIGRATIONS,
    // not as TypeORM opens the connection: the app runs them under the migration lock (schema-migrations.ts)
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (config.database.kind === 'mysql') {
    // the first host unless told which (the app connects to the first host that answers: see first-answering-host.ts)
    return {
      ...common,
      type: 'mysql',
      // the bundle's mysql2 (scripts/bundle.mjs): TypeORM would otherwise load a copy by name from node_modules
      driver: require('mysql2'),
      url: mysqlUrl ?? config.database.urls[0],
      ...MYSQL_CONNECTION,
      poolSize: MYSQL_POOL_SIZE,
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
