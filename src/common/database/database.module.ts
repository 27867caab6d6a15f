import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { databaseOptions } from './database-options.js';
import { firstAnsweringHost } from './first-answering-host.js';
import { openSqlDatabase } from './open-sql-database.js';
import { migrateUnderLock } from './schema-migrations.js';
import { SqlDatabase } from './sql-database.js';

/** Resolved once the schema is migrated (or at once with MIGRATIONS_RUN=false); SqlDatabase, and so every statement of the service, waits for it. */
const MIGRATED_SCHEMA = Symbol('migrated schema');

/**
 * The database: TypeORM opens the connections, the migrations run at start under the migration
 * lock (unless MIGRATIONS_RUN=false); the service's statements run through SqlDatabase on those connections.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.file), { recursive: true });
        const url = config.database.kind === 'mysql' ? await firstAnsweringHost(config.database.urls) : undefined;
        return { ...databaseOptions(config, url), autoLoadEntities: true, retryAttempts: 10, retryDelay: 3000 };
      },
    }),
  ],
  providers: [
    {
      provide: MIGRATED_SCHEMA,
      inject: [DataSource, AppConfig],
      useFactory: async (dataSource: DataSource, config: AppConfig) => {
        if (config.migrationsRun) await migrateUnderLock(dataSource, config.migrationLockWaitMs);
        return true;
      },
    },
    { provide: SqlDatabase, inject: [DataSource, AppConfig, MIGRATED_SCHEMA], useFactory: (dataSource: DataSource, config: AppConfig) => openSqlDatabase(dataSource, config) },
  ],
  exports: [SqlDatabase],
})
export class DatabaseModule {}
