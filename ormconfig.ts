import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/common/config/load-config.js';
import { databaseOptions } from './src/common/database/database-options.js';

/**
 * The DataSource of the TypeORM CLI (`npm run migration:run`, `npm run migration:generate -- <path>`),
 * built from the same environment and options as the service; the entities are every module's
 * `*.entity.js` (the app has each module register its own).
 */
const config = loadConfig();
if (config.database.kind === 'sqlite') mkdirSync(dirname(config.database.file), { recursive: true });

export default new DataSource({ ...databaseOptions(config), entities: [join(__dirname, 'src/modules/**/*.entity.js')] });
