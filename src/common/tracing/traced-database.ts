import { KeyedRead } from '../database/keyed-read.js';
import { SqlDatabase, UnitOptions } from '../database/sql-database.js';
import { SqlParam } from '../database/sql.js';
import { SqlTransaction } from '../database/sql-transaction.js';
import { Tracing } from './tracing.js';

/** The first words of a statement, as a span attribute (the whole text can be long; parameters are never recorded). */
const statementSummary = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 200);

/**
 * Gives each statement, keyed read and unit of work of `db` a span of its own, a child of the
 * call that waits for it. Done by replacing the methods on the instance, and only while tracing
 * is on, so the database's hot path is untouched otherwise.
 */
export function traceDatabase(db: SqlDatabase, tracing: Tracing): void {
  const system = db.dialect === 'mysql' ? 'mysql' : 'sqlite';
  const read = db.read.bind(db);
  const readByKey = db.readByKey.bind(db);
  const execute = db.execute.bind(db);
  const transaction = db.transaction.bind(db);
  const lockingTransaction = db.lockingTransaction.bind(db);
  Object.assign(db, {
    read: (sql: string, params?: readonly SqlParam[]) => tracing.database('db.read', { 'db.system': system, 'db.query.text': statementSummary(sql) }, () => read(sql, params)),
    readByKey: <T>(keyed: KeyedRead<T>, scope: readonly SqlParam[], key: string) =>
      tracing.database('db.keyed_read', { 'db.system': system, 'db.query.text': statementSummary(keyed.statement(1).sql) }, () => readByKey(keyed, scope, key)),
    execute: (sql: string, params?: readonly SqlParam[]) => tracing.database('db.execute', { 'db.system': system, 'db.query.text': statementSummary(sql) }, () => execute(sql, params)),
    transaction: <T>(work: (tx: SqlTransaction) => Promise<T>, options?: UnitOptions) => tracing.database('db.transaction', { 'db.system': system }, () => transaction(work, options)),
    lockingTransaction: <T>(work: (tx: SqlTransaction) => Promise<T>) => tracing.database('db.transaction', { 'db.system': system, 'db.locking': 'true' }, () => lockingTransaction(work)),
  });
}
