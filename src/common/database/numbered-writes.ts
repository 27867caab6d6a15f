import { SqlParam, SqlStatement } from './sql.js';
import { textPerCount } from './statement-texts.js';

/** A counter row: `table.column` of the row `where` names. */
export interface Counter {
  table: string;
  column: string;
  where: string;
}

/**
 * Rows that take the next numbers of a counter when their unit of work commits (the events'
 * positions). The counter is raised in the committing transaction, so its row lock orders the
 * transactions that take numbers: numbers become visible in commit order. Every insert of one
 * write gets the same numbers, row i the i-th, as its first column.
 */
export interface NumberedWrite {
  counter: Counter;
  count: number;
  /** `into`: `table (number_column, column, …)`; one row per number, each the values after the number. */
  inserts: { into: string; rows: SqlParam[][] }[];
}

/** `, ?, ?` for the values after the number. */
const restOf = (width: number) => Array.from({ length: width }, () => ', ?').join('');

/**
 * MySQL: the numbered writes of the units that commit together, as one counter update and one
 * multi-row INSERT per table. The counter's new value goes to the session's LAST_INSERT_ID, and
 * each row is numbered back from it: the writes take their numbers in the order given.
 */
export function mysqlNumberedStatements(writes: readonly NumberedWrite[]): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (const group of byCounter(writes)) {
    const { table, column, where } = group[0].counter;
    const total = group.reduce((sum, write) => sum + write.count, 0);
    statements.push({ sql: `UPDATE ${table} SET ${column} = LAST_INSERT_ID(${column} + ?) WHERE ${where}`, params: [total] });
    const inserts = new Map<string, { tuples: string[]; params: SqlParam[] }>();
    let taken = 0;
    for (const write of group) {
      for (const { into, rows } of write.inserts) {
        let insert = inserts.get(into);
        if (!insert) inserts.set(into, (insert = { tuples: [], params: [] }));
        rows.forEach((row, i) => {
          insert.tuples.push(`(LAST_INSERT_ID() - ?${restOf(row.length)})`);
          insert.params.push(total - 1 - (taken + i), ...row);
        });
      }
      taken += write.count;
    }
    for (const [into, { tuples, params }] of inserts) statements.push({ sql: `INSERT INTO ${into} VALUES ${tuples.join(', ')}`, params });
  }
  return statements;
}

/**
 * A Galera cluster: the rows go in without their numbers, and the counter is not touched. Every
 * commit raising the one counter row would make commits through different nodes conflict at
 * certification; instead the event sequencer numbers the committed rows afterwards, one pass at
 * a time, in the order they became visible (EventSequencer). A table whose rows hold nothing but
 * the number (the outbox) gets its rows from the sequencer too.
 */
export function unnumberedStatements(writes: readonly NumberedWrite[]): SqlStatement[] {
  const inserts = new Map<string, { tuples: string[]; params: SqlParam[] }>();
  for (const write of writes) {
    for (const { into, rows } of write.inserts) {
      if (rows.every((row) => row.length === 0)) continue;
      let insert = inserts.get(into);
      if (!insert) inserts.set(into, (insert = { tuples: [], params: [] }));
      for (const row of rows) {
        insert.tuples.push(`(NULL${restOf(row.length)})`);
        insert.params.push(...row);
      }
    }
  }
  return [...inserts].map(([into, { tuples, params }]) => ({ sql: `INSERT INTO ${into} VALUES ${tuples.join(', ')}`, params }));
}

/**
 * SQLite (one writer at a time): how the writer reads a counter once it holds the write lock
 * (the row's value as `last`) and stores the value it took the numbers up to (one parameter).
 */
export function sqliteCounterStatements(counter: Counter): { read: string; store: string } {
  let statements = counterStatements.get(counter);
  if (statements === undefined) {
    statements = {
      read: `SELECT ${counter.column} AS last FROM ${counter.table} WHERE ${counter.where}`,
      store: `UPDATE ${counter.table} SET ${counter.column} = ? WHERE ${counter.where}`,
    };
    counterStatements.set(counter, statements);
  }
  return statements;
}
const counterStatements = new Map<Counter, { read: string; store: string }>();

/** SQLite: a unit's numbered rows as plain inserts, numbered back from `last` (the last number the unit took). */
export function sqliteNumberedInserts(write: NumberedWrite, last: number): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (const { into, rows } of write.inserts) {
    if (rows.length === 0) continue;
    const first = last - rows.length + 1;
    statements.push({ sql: insertValues(into, rows.length, rows[0].length + 1), params: rows.flatMap((row, i) => [first + i, ...row]) });
  }
  return statements;
}

/** `INSERT INTO into VALUES (?, …), …` for `rowCount` rows of `width` values, one text per table and row count. */
function insertValues(into: string, rowCount: number, width: number): string {
  let perCount = insertTexts.get(into);
  if (!perCount) {
    // `into` names the columns, so the width is the same on every call for it
    const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
    insertTexts.set(into, (perCount = textPerCount((count) => `INSERT INTO ${into} VALUES ${Array.from({ length: count }, () => tuple).join(', ')}`)));
  }
  return perCount(rowCount);
}
const insertTexts = new Map<string, (rowCount: number) => string>();

/** The writes grouped by counter, each group in the order of its first write. */
function byCounter(writes: readonly NumberedWrite[]): NumberedWrite[][] {
  const groups = new Map<string, NumberedWrite[]>();
  for (const write of writes) {
    const key = `${write.counter.table}.${write.counter.column} ${write.counter.where}`;
    const group = groups.get(key);
    if (group) group.push(write);
    else groups.set(key, [write]);
  }
  return [...groups.values()];
}
