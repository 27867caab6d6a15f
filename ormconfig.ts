import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/common/config/load-config.js';
import { databaseOptions } from './src/common/database/database-options.js';

/**
 * The DataSource of the TypeORM CLI (`npm run migration:run`, `npm run migration:generate -- <path>`),
 * built from the same environment and options as the service.
 */
const config = loadConfig();
if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.file), { recursive: true });

export default new DataSource({ ...databaseOptions(config), migrationsRun: false });
