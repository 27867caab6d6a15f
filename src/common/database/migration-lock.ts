import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { MigrationLockTimeout } from './migration-lock-timeout.js';
import { isRetryableConflict } from './retryable-conflict.js';

export const MIGRATION_LOCK_TABLE = 'migrations_lock';
export const MIGRATION_LOCK_NAME = 'migrations';
/** How long a claim holds without being renewed: a crashed holder blocks the others at most this long. */
export const MIGRATION_LOCK_LEASE_SECONDS = 30;
/** The holder renews its claim this often, so a long migration keeps it. */
const RENEW_EVERY_MS = 10_000;
/** How often a waiting process tries again. */
const POLL_EVERY_MS = 250;

/** The statements of one database kind; `lease` is in seconds. */
interface LockStatements {
  create: string;
  /** Takes the row for `owner` when it is free, expired or already `owner`'s; leaves it as it is otherwise. */
  claim(owner: string, lease: number): [string, unknown[]];
  renew(owner: string, lease: number): [string, unknown[]];
  holder: string;
}

/**
 * MySQL and MariaDB: a row, not GET_LOCK, which holds only on the server that granted it (each
 * node of a Galera cluster has its own). Claiming is one atomic upsert; two nodes claiming at once
 * conflict at certification and one of them gets a deadlock error, which counts as "not yet".
 * Expiry is the database's clock, the same for every process whatever host it runs on. Both
 * assignments test the row's values before the statement, whichever order the server applies them in.
 */
const MYSQL: LockStatements = {
  create: `CREATE TABLE IF NOT EXISTS ${MIGRATION_LOCK_TABLE} (name VARCHAR(64) NOT NULL PRIMARY KEY, owner VARCHAR(255) NOT NULL, expires_at DATETIME(3) NOT NULL) ENGINE=InnoDB`,
  claim: (owner, lease) => [
    `INSERT INTO ${MIGRATION_LOCK_TABLE} (name, owner, expires_at) VALUES (?, ?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND)
     ON DUPLICATE KEY UPDATE
       owner = IF(expires_at <= UTC_TIMESTAMP(3) OR owner = VALUES(owner), VALUES(owner), owner),
       expires_at = IF(expires_at <= UTC_TIMESTAMP(3) OR owner = VALUES(owner), VALUES(expires_at), expires_at)`,
    [MIGRATION_LOCK_NAME, owner, lease],
  ],
  renew: (owner, lease) => [`UPDATE ${MIGRATION_LOCK_TABLE} SET expires_at = UTC_TIMESTAMP(3) + INTERVAL ? SECOND WHERE name = ? AND owner = ?`, [lease, MIGRATION_LOCK_NAME, owner]],
  holder: `SELECT owner, expires_at AS expiresAt FROM ${MIGRATION_LOCK_TABLE} WHERE name = ?`,
};

/** SQLite: every process is on the machine that holds the file, so expiry is that machine's clock (epoch ms). */
const SQLITE: LockStatements = {
  create: `CREATE TABLE IF NOT EXISTS ${MIGRATION_LOCK_TABLE} (name TEXT NOT NULL PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
  claim: (owner, lease) => [
    `INSERT INTO ${MIGRATION_LOCK_TABLE} (name, owner, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
     WHERE ${MIGRATION_LOCK_TABLE}.expires_at <= ? OR ${MIGRATION_LOCK_TABLE}.owner = excluded.owner`,
    [MIGRATION_LOCK_NAME, owner, Date.now() + lease * 1000, Date.now()],
  ],
  renew: (owner, lease) => [`UPDATE ${MIGRATION_LOCK_TABLE} SET expires_at = ? WHERE name = ? AND owner = ?`, [Date.now() + lease * 1000, MIGRATION_LOCK_NAME, owner]],
  holder: `SELECT owner, expires_at AS expiresAt FROM ${MIGRATION_LOCK_TABLE} WHERE name = ?`,
};

/**
 * The lock that lets one process at a time run migrations, so processes starting together on an
 * empty database wait for each other instead of creating the same tables: a row of
 * `migrations_lock` naming its owner and when its claim expires. The holder renews it while it
 * works and deletes it when done; one that crashed stops blocking the others when it expires.
 */
export class MigrationLock {
  private readonly logger = new Logger('Migrations');
  private readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly statements: LockStatements;
  private renewal?: NodeJS.Timeout;
  private tableCreated = false;

  constructor(private readonly dataSource: DataSource) {
    this.statements = dataSource.options.type === 'mysql' ? MYSQL : SQLITE;
  }

  /** Waits until this process holds the lock; after `waitMs` without it, fails with MigrationLockTimeout. */
  async acquire(waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    let reported: string | undefined;
    for (;;) {
      const holder = await this.tryClaim();
      if (holder?.owner === this.owner) break;
      if (holder && holder.owner !== reported) {
        this.logger.log(`waiting for the migration lock, held by ${holder.owner}`);
        reported = holder.owner;
      }
      if (Date.now() >= deadline) throw new MigrationLockTimeout(holder, waitMs);
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
    this.renewal = setInterval(() => void this.renew(), RENEW_EVERY_MS);
    this.renewal.unref();
  }

  async release(): Promise<void> {
    clearInterval(this.renewal);
    try {
      await this.dataSource.query(`DELETE FROM ${MIGRATION_LOCK_TABLE} WHERE name = ? AND owner = ?`, [MIGRATION_LOCK_NAME, this.owner]);
    } catch (error) {
      this.logger.warn(`the migration lock could not be released; it expires within ${MIGRATION_LOCK_LEASE_SECONDS} s: ${(error as Error).message}`);
    }
  }

  /** Who holds the lock after this process tried to claim it; undefined when that is not known (the claim met a conflict). */
  private async tryClaim(): Promise<{ owner: string; expiresAt: string | number } | undefined> {
    try {
      // once, not on every poll: Galera runs each DDL statement on every node in total order, even one that finds the table there
      if (!this.tableCreated) await this.dataSource.query(this.statements.create);
      this.tableCreated = true;
      await this.dataSource.query(...this.statements.claim(this.owner, MIGRATION_LOCK_LEASE_SECONDS));
      const [holder] = (await this.dataSource.query(this.statements.holder, [MIGRATION_LOCK_NAME])) as { owner: string; expiresAt: string | number }[];
      return holder;
    } catch (error) {
      // another process claiming at the same moment (a deadlock, a Galera certification conflict, SQLite busy): try again
      if (isRetryableConflict(error)) return undefined;
      throw error;
    }
  }

  private async renew(): Promise<void> {
    try {
      await this.dataSource.query(...this.statements.renew(this.owner, MIGRATION_LOCK_LEASE_SECONDS));
    } catch (error) {
      this.logger.warn(`the migration lock could not be renewed: ${(error as Error).message}`);
    }
  }
}
