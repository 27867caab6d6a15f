import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedRead, MAX_KEYS_PER_STATEMENT, ROW_KEY } from '../../src/common/database/keyed-read.js';
import { ReadCoalescer } from '../../src/common/database/read-coalescer.js';
import { SqlParam, SqlRow } from '../../src/common/database/sql.js';

/** A statement runner whose statements finish only when the test says so; it answers from `table` as it is then. */
class HeldStatements {
  readonly started: { sql: string; params: readonly SqlParam[]; finish: () => void; fail: (error: Error) => void }[] = [];

  constructor(readonly table: Map<string, string>) {}

  readonly run = (sql: string, params: readonly SqlParam[]): Promise<SqlRow[]> =>
    new Promise((resolve, reject) => {
      this.started.push({
        sql,
        params,
        // the statement sees the table at the moment it started, like a database would
        finish: ((snapshot) => () => resolve(params.slice(1).flatMap((key) => (snapshot.has(String(key)) ? [{ [ROW_KEY]: key, value: snapshot.get(String(key)) }] : []))))(new Map(this.table)),
        fail: reject,
      });
    });
}

const byKey = new KeyedRead((keys) => `SELECT k AS ${ROW_KEY}, value FROM t WHERE scope = ? AND k IN (${keys})`);

describe('the read coalescer', () => {
  it('answers reads that wait together with one statement, each with its own row', async () => {
    const db = new HeldStatements(new Map([['a', 'A'], ['b', 'B'], ['c', 'C']]));
    const coalescer = new ReadCoalescer(db.run, 1);
    const first = coalescer.read(byKey, ['s'], 'a');
    const waiting = ['b', 'c', 'missing', 'b'].map((key) => coalescer.read(byKey, ['s'], key));
    assert.equal(db.started.length, 1, 'the first read starts a statement at once, the others wait');
    db.started[0].finish();
    assert.equal((await first)?.value, 'A');
    assert.equal(db.started.length, 2, 'the waiting reads go in one statement');
    assert.deepEqual(db.started[1].params, ['s', 'b', 'c', 'missing', 'b'], 'three distinct keys, padded to four placeholders');
    assert.match(db.started[1].sql, /IN \(\?, \?, \?, \?\)/);
    db.started[1].finish();
    assert.deepEqual(
      (await Promise.all(waiting)).map((row) => row?.value),
      ['B', 'C', undefined, 'B'],
    );
  });

  it('never answers a read with a statement that started before the read arrived', async () => {
    const table = new Map([['a', 'old']]);
    const db = new HeldStatements(table);
    const coalescer = new ReadCoalescer(db.run, 1);
    const before = coalescer.read(byKey, ['s'], 'a');
    table.set('a', 'new'); // a write commits while the first statement runs
    const after = coalescer.read(byKey, ['s'], 'a');
    db.started[0].finish();
    assert.equal((await before)?.value, 'old');
    db.started[1].finish();
    assert.equal((await after)?.value, 'new');
  });

  it('asks for at most MAX_KEYS_PER_STATEMENT keys per statement, and runs up to maxInFlight at once', async () => {
    const keys = Array.from({ length: MAX_KEYS_PER_STATEMENT * 2 + 3 }, (_, index) => `k${index}`);
    const db = new HeldStatements(new Map(keys.map((key) => [key, key.toUpperCase()])));
    const coalescer = new ReadCoalescer(db.run, 2);
    const reads = keys.map((key) => coalescer.read(byKey, ['s'], key));
    assert.equal(db.started.length, 2, 'two statements in flight, the rest wait');
    let statements = 0;
    for (let next = db.started.shift(); next; next = db.started.shift()) {
      statements++;
      assert.ok(next.params.length - 1 <= MAX_KEYS_PER_STATEMENT);
      next.finish();
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(db.started.length <= 2, 'never more than two statements in flight');
    }
    assert.equal(statements, 2 + 3, 'two single reads, then the 129 waiting keys in 64 + 64 + 1');
    assert.deepEqual(
      (await Promise.all(reads)).map((row) => row?.value),
      keys.map((key) => key.toUpperCase()),
    );
  });

  it('keeps scopes apart, and a failed statement fails only the reads it carried', async () => {
    const db = new HeldStatements(new Map([['a', 'A']]));
    const coalescer = new ReadCoalescer(db.run, 1);
    const inOne = coalescer.read(byKey, ['one'], 'a');
    const inTwo = coalescer.read(byKey, ['two'], 'a');
    assert.equal(db.started.length, 2, 'each scope has its own statement');
    assert.deepEqual(db.started.map((statement) => statement.params[0]), ['one', 'two']);
    db.started[0].fail(new Error('connection lost'));
    await assert.rejects(inOne, /connection lost/);
    const again = coalescer.read(byKey, ['one'], 'a');
    db.started[1].finish();
    db.started[2].finish();
    assert.equal((await inTwo)?.value, 'A');
    assert.equal((await again)?.value, 'A');
  });

  it('matches rows to keys exactly, whatever the database compared', async () => {
    const db = new HeldStatements(new Map([['a', 'A']]));
    // a database whose collation also returns row "a" for key "a "
    const sloppy = (sql: string, params: readonly SqlParam[]) => db.run(sql, params.map((param) => (typeof param === 'string' ? param.trim() : param)));
    const coalescer = new ReadCoalescer(sloppy, 1);
    const read = coalescer.read(byKey, ['s'], 'a ');
    db.started[0].finish();
    assert.equal(await read, undefined);
  });
});
