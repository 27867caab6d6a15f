import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MigrationLock } from './migration-lock.js';

/**
 * Runs the pending migrations while holding the migration lock, so that of several processes
 * starting together on one database one migrates and the others wait, then find nothing to do.
 * (TypeORM reads which migrations ran before it starts any, outside their transactions: two
 * processes would both create the same tables, on MariaDB and on SQLite alike.)
 */
export async function migrateUnderLock(dataSource: DataSource, waitMs: number): Promise<void> {
  const lock = new MigrationLock(dataSource);
  await lock.acquire(waitMs);
  try {
    const applied = await dataSource.runMigrations();
    if (applied.length > 0) new Logger('Migrations').log(`applied ${applied.map((migration) => migration.name).join(', ')}`);
  } finally {
    await lock.release();
  }
}
