import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { KeyedRead, decoded, rowForKey } from './keyed-read.js';
import { isDuplicateKey, isRetryableConflict } from './retryable-conflict.js';
import { SqlDialect, SqlParam, SqlRow, SqlWriteResult } from './sql.js';
import { SqlTransaction } from './sql-transaction.js';


/**
 * How often a unit of work runs again after another writer committed first. Most conflicts clear
 * at the second attempt; on a Galera cluster, where every commit moves the one position-counter
 * row and commits through other nodes win certification against it, a unit may lose many rounds
 * in a row while the other nodes keep writing, so the pauses between attempts grow.
 */
const MAX_ATTEMPTS = 30;
/** The longest pause between two attempts (the pause is random up to 2^attempts ms, capped here). */
const MAX_PAUSE_MS = 100;

/** A change that lost to concurrent writes on every attempt: the caller may try again (UNAVAILABLE, like an outage), never a 500. */
export class WriteContention extends DomainError {
  constructor(attempts: number) {
    super(ErrorKind.Unavailable, undefined, `Service unavailable: the change met concurrent writes ${attempts} times in a row and was not made; try again`);
  }
}

/** How a unit of work runs. */
export interface UnitOptions {
  /** Decide, and store nothing: the writes the unit buffered are dropped (a `validateOnly` write). */
  dryRun?: boolean;
}

/**
 * The service's one way to the database: plain statements for the read path (no transaction,
 * prepared, no ORM), and units of work for commands. TypeORM owns the connections and the
 * migrations; this class runs the statements on the connections it opened.
 */
export abstract class SqlDatabase implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  abstract readonly dialect: SqlDialect;

  /** One statement outside any transaction; it sees everything committed before it started. */
  abstract read<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;

  /**
   * What the row that answers `key` decodes to (parameters: the scope's, then the key), read like
   * `read`; undefined without a row. A database may answer concurrent reads of one scope with one
   * statement (MySQL does), and keep answers, never one older than the moment the read was asked for.
   */
  readByKey<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): Promise<T | undefined> {
    return this.read(read.statement(1).sql, [...scope, key]).then((rows) => decoded(read, rowForKey(rows, key)));
  }

  /** Asks the database for an answer (`SELECT 1`), past any cache: for the readiness check. */
  abstract ping(): Promise<void>;

  /** One write statement in a transaction of its own. */
  abstract execute(sql: string, params?: readonly SqlParam[]): Promise<SqlWriteResult>;

  /**
   * Runs `work` as one transaction: its reads, then its writes and the commit. When another
   * writer (in this or another process) committed first, a unique key makes the commit fail and
   * the whole unit runs again from a fresh read, so the answer is the one the new state implies.
   * With `dryRun`, the unit reads and decides as it would, and its writes are dropped unapplied.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>, options: UnitOptions = {}): Promise<T> {
    return this.retried(() => this.attempt(work, options.dryRun === true));
  }

  /**
   * Like `transaction`, but the reads run inside the transaction (READ COMMITTED on MySQL), so
   * they may lock what they read (`FOR UPDATE`); for the rare work that needs it. On MySQL the
   * first read goes with `START TRANSACTION`, the writes with `COMMIT`.
   */
  lockingTransaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.retried(() => this.attemptLocking(work));
  }

  protected abstract attempt<T>(work: (tx: SqlTransaction) => Promise<T>, dryRun: boolean): Promise<T>;

  protected abstract attemptLocking<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;

  private async retried<T>(attempt: () => Promise<T>): Promise<T> {
    // the duplicate keys the attempts hit: racing writers move the keys on; one and the same key on every attempt is no race
    const duplicates = new Set<string>();
    for (let attempts = 1; ; attempts++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isRetryableConflict(error)) throw error;
        duplicates.add(isDuplicateKey(error) ? (error as Error).message : '');
        if (attempts >= MAX_ATTEMPTS) {
          if (duplicates.size === 1 && !duplicates.has('')) {
            this.logger.error(
              `a unit of work hit the same duplicate key on all ${attempts} attempts, which no concurrent writer explains: ` +
                `the stored state it reads disagrees with the keys it writes; answered as unavailable (${(error as Error).message})`,
            );
          } else this.logger.warn(`a unit of work met a concurrent write ${attempts} times in a row; answered as unavailable (last: ${(error as Error).message})`);
          throw new WriteContention(attempts);
        }
        this.logger.debug(`write conflict (attempt ${attempts}), running the unit again`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_PAUSE_MS, 2 ** attempts)));
      }
    }
  }

  /** Closes what this class opened itself (TypeORM closes its own connections). */
  abstract close(): Promise<void>;

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
