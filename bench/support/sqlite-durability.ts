import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseOptions } from '../../src/common/database/database-options.js';

export interface SqliteDurability {
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
}

export const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/**
 * The journal mode and synchronous level the service's connection runs with. The service sets
 * neither itself: TypeORM's better-sqlite3 driver turns WAL on (enableWAL), and `synchronous` is
 * whatever the SQLite build defaults to. A per-connection setting cannot be read from outside the
 * service's process, so this opens a connection the same way: TypeORM's driver with the service's
 * own options, on the service's file.
 */
export async function sqliteDurability(file: string): Promise<SqliteDurability> {
  const dataSource = new DataSource(databaseOptions({ database: { kind: 'sqlite', file } }));
  await dataSource.initialize();
  try {
    const [{ journal_mode: journalMode }] = (await dataSource.query('PRAGMA journal_mode')) as { journal_mode: string }[];
    const [{ synchronous }] = (await dataSource.query('PRAGMA synchronous')) as { synchronous: number }[];
    return { journalMode, synchronous };
  } finally {
    await dataSource.destroy();
  }
}
