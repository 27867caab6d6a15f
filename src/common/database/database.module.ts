import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { databaseOptions } from './database-options.js';
import { openSqlDatabase } from './open-sql-database.js';
import { SqlDatabase } from './sql-database.js';

/**
 * The database: TypeORM opens the connections and runs the migrations at start (unless
 * MIGRATIONS_RUN=false); the service's statements run through SqlDatabase on those connections.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.file), { recursive: true });
        return { ...databaseOptions(config), autoLoadEntities: true, retryAttempts: 10, retryDelay: 3000 };
      },
    }),
  ],
  providers: [{ provide: SqlDatabase, inject: [DataSource], useFactory: openSqlDatabase }],
  exports: [SqlDatabase],
})
export class DatabaseModule {}
