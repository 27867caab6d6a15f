import type { Database } from 'better-sqlite3';
import type { Pool } from 'mysql2';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { MYSQL_CONNECTION, MYSQL_POOL_SIZE } from './database-options.js';
import { DatabaseHost, FailoverPool } from './failover-pool.js';
import { galeraNodeReady, isGaleraNode } from './galera.js';
import { MysqlDatabase } from './mysql-database.js';
import { SqlDatabase } from './sql-database.js';
import { SqliteChangeMarker } from './sqlite-change-marker.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqliteDatabase } from './sqlite-database.js';

/**
 * The service's statements on TypeORM's connections: on MySQL its mysql2 pool (and, when
 * DATABASE_URL names several hosts, a pool of the same kind for each other host, to fail over to),
 * or its SQLite connection as the writer plus a read-only reader.
 */
export async function openSqlDatabase(dataSource: DataSource, config: Pick<AppConfig, 'database'>): Promise<SqlDatabase> {
  const driver = dataSource.driver as unknown as { pool?: Pool; databaseConnection?: Database };
  if (dataSource.options.type === 'mysql') {
    if (!driver.pool) throw new Error('the MySQL pool is not open');
    const galera = await isGaleraNode(driver.pool);
    const urls = config.database.kind === 'mysql' ? config.database.urls : [];
    const hosts = await mysqlHosts(urls, String(dataSource.options.url), driver.pool);
    const start = hosts.findIndex((host) => host.pool === driver.pool);
    const logger = new Logger('Database');
    const pools = new FailoverPool(hosts, galera ? galeraNodeReady : answers, (message) => logger.warn(message), start);
    return new MysqlDatabase(pools, galera);
  }
  if (!driver.databaseConnection) throw new Error('the SQLite connection is not open');
  // loaded here, so a MySQL deployment never loads the native SQLite module
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const file = String(dataSource.options.database);
  const reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  const changes = SqliteChangeMarker.open(file);
  // in WAL mode (the marker reads the WAL's index), checkpoints run off the writer
  const checkpointer = changes === undefined ? undefined : new SqliteCheckpointer(file, driver.databaseConnection);
  return new SqliteDatabase(driver.databaseConnection, reader, changes, checkpointer);
}

/**
 * One host per URL: TypeORM's pool for the one it connected to, a new pool made the same way for
 * each other; with several hosts, each also gets a connection of its own for the node check.
 */
async function mysqlHosts(urls: readonly string[], connected: string, typeormPool: Pool): Promise<DatabaseHost<Pool>[]> {
  if (urls.length <= 1) return [{ name: hostName(connected), pool: typeormPool }];
  const { createPool } = await import('mysql2');
  const end = (pool: Pool) => new Promise<void>((resolve) => pool.end(() => resolve()));
  return urls.map((uri) => {
    const checkPool = createPool({ uri, ...MYSQL_CONNECTION, connectionLimit: 1 });
    if (uri === connected) return { name: hostName(uri), pool: typeormPool, checkPool, end: () => end(checkPool) };
    // the options TypeORM gives its own pool (MysqlDriver.createConnectionOptions)
    const pool = createPool({ uri, ...MYSQL_CONNECTION, stringifyObjects: true, connectionLimit: MYSQL_POOL_SIZE });
    return { name: hostName(uri), pool, checkPool, end: () => Promise.all([end(pool), end(checkPool)]).then(() => undefined) };
  });
}

function hostName(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

/** A server that is not a Galera node can serve when it answers. */
function answers(pool: Pool): Promise<void> {
  return new Promise((resolve, reject) => pool.query('SELECT 1', (error) => (error ? reject(error) : resolve())));
}
