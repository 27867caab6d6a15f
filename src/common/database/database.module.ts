import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { databaseOptions } from './database-options.js';
import { TransactionRunner } from './transaction-runner.service.js';

/** The database connection (migrations run at start unless MIGRATIONS_RUN=false) and the transaction runner. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.file), { recursive: true });
        return { ...databaseOptions(config), retryAttempts: 10, retryDelay: 3000 };
      },
    }),
  ],
  providers: [TransactionRunner],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
