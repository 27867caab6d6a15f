import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqlDatabase } from '../../src/common/database/sql-database.js';
import { SqlRow, SqlWriteResult } from '../../src/common/database/sql.js';
import { SqlTransaction } from '../../src/common/database/sql-transaction.js';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { ErrorKind } from '../../src/common/errors/error-kind.js';
import '../support/no-debug-lines.js';

/** A database whose commits lose to a concurrent writer the first `conflicts` times (as a Galera node losing certification does). */
class ContendedDatabase extends SqlDatabase {
  readonly dialect = 'mysql' as const;
  attempts = 0;

  constructor(private readonly conflicts: number) {
    super();
  }

  read<T extends SqlRow = SqlRow>(): Promise<T[]> {
    return Promise.resolve([]);
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
  execute(): Promise<SqlWriteResult> {
    return Promise.resolve({ affectedRows: 1 });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  protected attempt<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    this.attempts++;
    if (this.attempts <= this.conflicts) return Promise.reject(Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK' }));
    return work({} as SqlTransaction);
  }
  protected attemptLocking<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.attempt(work);
  }
}

describe('units of work that meet concurrent writes', () => {
  it('run again until they commit', async () => {
    const database = new ContendedDatabase(5);
    assert.equal(await database.transaction(async () => 'done'), 'done');
    assert.equal(database.attempts, 6);
  });

  it('after 30 lost attempts answer UNAVAILABLE (503 / code 14, "try again"), not an internal error', async () => {
    const database = new ContendedDatabase(Number.POSITIVE_INFINITY);
    await assert.rejects(
      database.transaction(async () => 'never'),
      (error: unknown) => error instanceof DomainError && error.kind === ErrorKind.Unavailable && /met concurrent writes 30 times in a row and was not made; try again/.test(error.message),
    );
    assert.equal(database.attempts, 30);
  });

  it('a failure that is no conflict is not run again', async () => {
    const database = new ContendedDatabase(0);
    await assert.rejects(
      database.transaction(async () => {
        throw new Error('a bug');
      }),
      /a bug/,
    );
    assert.equal(database.attempts, 1);
  });
});
