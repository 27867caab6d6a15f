import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergedStatements } from '../../src/common/database/merged-statements.js';
import { NumberedWrite, mysqlNumberedStatements, sqliteCounterStatements, sqliteNumberedInserts, unnumberedStatements } from '../../src/common/database/numbered-writes.js';
import { SqlStatement } from '../../src/common/database/sql.js';
import { UnitWrites } from '../../src/common/database/sql-transaction.js';

const statement = (sql: string, ...params: (string | number)[]): SqlStatement => ({ sql, params });
const unit = (...writes: SqlStatement[]): UnitWrites => ({ writes, numbered: [] });
const COUNTER = { table: 'event_positions', column: 'last_position', where: 'id = 1' };
const numbered = (count: number, ...inserts: NumberedWrite['inserts']): NumberedWrite => ({ counter: COUNTER, count, inserts });

describe('statements of units committed together', () => {
  it('join the INSERTs of one table and column list, and the DELETEs of one table, keeping the parameters in order', () => {
    const merged = mergedStatements([
      unit(statement('UPDATE p SET a = ? WHERE k = ?', 1, 'x'), statement('INSERT INTO f (k, t) VALUES (?, ?)', 'x', 4), statement('DELETE FROM g WHERE k = ? AND t IN (?)', 'x', 1)),
      unit(statement('UPDATE p SET a = ? WHERE k = ?', 2, 'y'), statement('INSERT INTO f (k, t) VALUES (?, ?), (?, ?)', 'y', 5, 'y', 6), statement('DELETE FROM g WHERE k = ? AND t IN (?, ?)', 'y', 2, 3)),
    ]);
    assert.deepEqual(merged, [
      statement('UPDATE p SET a = ? WHERE k = ?', 1, 'x'),
      statement('UPDATE p SET a = ? WHERE k = ?', 2, 'y'),
      statement('INSERT INTO f (k, t) VALUES (?, ?), (?, ?), (?, ?)', 'x', 4, 'y', 5, 'y', 6),
      statement('DELETE FROM g WHERE (k = ? AND t IN (?)) OR (k = ? AND t IN (?, ?))', 'x', 1, 'y', 2, 3),
    ]);
  });

  it('join upserts whose ON DUPLICATE KEY tail is the same and has no parameters of its own', () => {
    const upsert = (k: string) => statement('INSERT INTO p (k, a) VALUES (?, ?) ON DUPLICATE KEY UPDATE a = VALUES(a)', k, 1);
    const withParameter = (k: string) => statement('INSERT INTO p (k, a) VALUES (?, ?) ON DUPLICATE KEY UPDATE a = a + ?', k, 1, 2);
    assert.deepEqual(mergedStatements([unit(upsert('x')), unit(upsert('y'))]), [
      statement('INSERT INTO p (k, a) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE a = VALUES(a)', 'x', 1, 'y', 1),
    ]);
    assert.deepEqual(mergedStatements([unit(withParameter('x')), unit(withParameter('y'))]), [withParameter('x'), withParameter('y')]);
  });

  it('keep a DELETE with ORDER BY or LIMIT apart: they are not part of its condition', () => {
    const units = [unit(statement('DELETE FROM g WHERE k = ? ORDER BY t LIMIT 1', 'x')), unit(statement('DELETE FROM g WHERE k = ? ORDER BY t LIMIT 1', 'y'))];
    assert.deepEqual(mergedStatements(units), units.flatMap((u) => u.writes));
  });

  it('keep INSERTs of different column lists apart', () => {
    const units = [unit(statement('INSERT INTO f (k) VALUES (?)', 'x')), unit(statement('INSERT INTO f (k, t) VALUES (?, ?)', 'y', 1))];
    assert.deepEqual(mergedStatements(units), units.flatMap((u) => u.writes));
  });

  it('merge nothing when a unit would see its own statements in another order', () => {
    // the first unit's INSERT would move behind its own UPDATE to where the second unit's INSERT stands
    const units = [
      unit(statement('INSERT INTO f (k) VALUES (?)', 'x'), statement('UPDATE p SET a = 1 WHERE k = ?', 'x')),
      unit(statement('INSERT INTO f (k) VALUES (?)', 'y')),
    ];
    assert.deepEqual(mergedStatements(units), units.flatMap((u) => u.writes));
  });

  it('number the units\' rows from one counter update, in the order of the units, after all other writes', () => {
    const events = (k: string, n: number) => ({ into: 'events (position, k, s)', rows: Array.from({ length: n }, (_, i) => [k, i + 1]) });
    const outbox = (n: number) => ({ into: 'event_outbox (position)', rows: Array.from({ length: n }, () => []) });
    const merged = mergedStatements([
      { writes: [statement('UPDATE p SET a = 1 WHERE k = ?', 'x')], numbered: [numbered(2, events('x', 2), outbox(2))] },
      { writes: [statement('UPDATE p SET a = 2 WHERE k = ?', 'y')], numbered: [numbered(1, events('y', 1), outbox(1))] },
    ]);
    assert.deepEqual(merged, [
      statement('UPDATE p SET a = 1 WHERE k = ?', 'x'),
      statement('UPDATE p SET a = 2 WHERE k = ?', 'y'),
      statement('UPDATE event_positions SET last_position = LAST_INSERT_ID(last_position + ?) WHERE id = 1', 3),
      // the counter's new value is the last row's number: x1, x2, y1 take new-2, new-1, new
      statement('INSERT INTO events (position, k, s) VALUES (LAST_INSERT_ID() - ?, ?, ?), (LAST_INSERT_ID() - ?, ?, ?), (LAST_INSERT_ID() - ?, ?, ?)', 2, 'x', 1, 1, 'x', 2, 0, 'y', 1),
      statement('INSERT INTO event_outbox (position) VALUES (LAST_INSERT_ID() - ?), (LAST_INSERT_ID() - ?), (LAST_INSERT_ID() - ?)', 2, 1, 0),
    ]);
  });

  it('on SQLite, read and store the counter by itself and number a unit\'s rows back from the last number it took', () => {
    const write = numbered(2, { into: 'events (position, k)', rows: [['a'], ['b']] }, { into: 'event_outbox (position)', rows: [[], []] });
    assert.deepEqual(sqliteCounterStatements(write.counter), {
      read: 'SELECT last_position AS last FROM event_positions WHERE id = 1',
      store: 'UPDATE event_positions SET last_position = ? WHERE id = 1',
    });
    // the unit took 41 and 42: its rows get them in the order given
    assert.deepEqual(sqliteNumberedInserts(write, 42), [
      statement('INSERT INTO events (position, k) VALUES (?, ?), (?, ?)', 41, 'a', 42, 'b'),
      statement('INSERT INTO event_outbox (position) VALUES (?), (?)', 41, 42),
    ]);
    // the same shape gives the very same text, so the statement cache finds it without hashing it again
    assert.equal(sqliteNumberedInserts(write, 44)[0].sql, sqliteNumberedInserts(write, 42)[0].sql);
    assert.deepEqual(mysqlNumberedStatements([]), []);
  });
});

describe('numbered writes on a Galera cluster', () => {
  it('insert their rows without numbers and leave the counter and number-only tables (the outbox) to the sequencer', () => {
    const writes = [
      numbered(2, { into: 'events (position, k, s)', rows: [['a', 1], ['a', 2]] }, { into: 'event_outbox (position)', rows: [[], []] }),
      numbered(1, { into: 'events (position, k, s)', rows: [['b', 7]] }, { into: 'event_outbox (position)', rows: [[]] }),
    ];
    assert.deepEqual(unnumberedStatements(writes), [statement('INSERT INTO events (position, k, s) VALUES (NULL, ?, ?), (NULL, ?, ?), (NULL, ?, ?)', 'a', 1, 'a', 2, 'b', 7)]);
    assert.deepEqual(mergedStatements([{ writes: [statement('DELETE FROM g WHERE k = ?', 'a')], numbered: writes }], unnumberedStatements).map((one) => one.sql), [
      'DELETE FROM g WHERE k = ?',
      'INSERT INTO events (position, k, s) VALUES (NULL, ?, ?), (NULL, ?, ?), (NULL, ?, ?)',
    ]);
  });
});
