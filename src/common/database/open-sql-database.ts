import type { Database } from 'better-sqlite3';
import type { Pool } from 'mysql2';
import { DataSource } from 'typeorm';
import { isGaleraNode } from './galera.js';
import { MysqlDatabase } from './mysql-database.js';
import { SqlDatabase } from './sql-database.js';
import { SqliteChangeMarker } from './sqlite-change-marker.js';
import { SqliteDatabase } from './sqlite-database.js';

/** The service's statements on TypeORM's connections: its mysql2 pool, or its SQLite connection as the writer plus a read-only reader. */
export async function openSqlDatabase(dataSource: DataSource): Promise<SqlDatabase> {
  const driver = dataSource.driver as unknown as { pool?: Pool; databaseConnection?: Database };
  if (dataSource.options.type === 'mysql') {
    if (!driver.pool) throw new Error('the MySQL pool is not open');
    return new MysqlDatabase(driver.pool, await isGaleraNode(driver.pool));
  }
  if (!driver.databaseConnection) throw new Error('the SQLite connection is not open');
  // loaded here, so a MySQL deployment never loads the native SQLite module
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const file = String(dataSource.options.database);
  const reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  return new SqliteDatabase(driver.databaseConnection, reader, SqliteChangeMarker.open(file));
}
