import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { inlineParams, mysqlLiteral } from '../../src/common/database/mysql-literal.js';
import { KeyedRead, ROW_KEY } from '../../src/common/database/keyed-read.js';
import { SqliteChangeMarker } from '../../src/common/database/sqlite-change-marker.js';
import { SqliteCheckpointer } from '../../src/common/database/sqlite-checkpointer.js';
import { SqliteDatabase } from '../../src/common/database/sqlite-database.js';
import { inPositionOrder } from '../../src/modules/events/event-sequencer.service.js';
import { SEED_SETTINGS } from '../../src/modules/login-policy/login-policy-settings.js';
import { unpackPolicy } from '../../src/modules/login-policy/packed-policy.js';

describe('MySQL literals', () => {
  it('write strings with a quote, a backslash or anything beyond printable ASCII as utf8mb4 hex, so nothing ends them early under any sql_mode', () => {
    for (const text of ["a'b", 'a\\b', 'Zürich', 'tab\there', 'nul\u0000']) assert.equal(mysqlLiteral(text), `_utf8mb4 X'${Buffer.from(text).toString('hex')}'`, text);
  });

  it('write plain ASCII strings between single quotes', () => {
    assert.equal(mysqlLiteral('org.policy.login.secondfactor.added'), "'org.policy.login.secondfactor.added'");
    assert.equal(mysqlLiteral('{"mfaType":4}'), `'{"mfaType":4}'`);
    assert.equal(mysqlLiteral(''), "''");
    assert.equal(mysqlLiteral(42), '42');
    assert.equal(mysqlLiteral(null), 'NULL');
    assert.throws(() => mysqlLiteral(Number.NaN));
  });

  it('fill exactly the placeholders there are', () => {
    assert.equal(inlineParams({ sql: 'SELECT ? + ?', params: [1, 2] }), 'SELECT 1 + 2');
    assert.throws(() => inlineParams({ sql: 'SELECT ?', params: [] }), /more placeholders/);
    assert.throws(() => inlineParams({ sql: 'SELECT 1', params: [1] }), /more parameters/);
  });
});

describe('the event sequencer order', () => {
  it('follows the time events were stored, but within an aggregate always its sequence', () => {
    const event = (aggregate: string, sequence: number, at: string) => ({ instance_id: 'i', aggregate_type: 'org', aggregate_id: aggregate, sequence, created_at: at });
    // org a's sequence 2 was stored by a process whose clock is behind
    const ordered = inPositionOrder([event('a', 1, '2026-01-01 00:00:00.010'), event('b', 7, '2026-01-01 00:00:00.005'), event('a', 2, '2026-01-01 00:00:00.001')]);
    assert.deepEqual(
      ordered.map((e) => `${e.aggregate_id}${e.sequence}`),
      ['a1', 'b7', 'a2'],
    );
  });
});

describe('packed policy rows', () => {
  it('read back every setting, the factor lists and a URI that contains the separator', () => {
    const settings = { ...SEED_SETTINGS, defaultRedirectUri: 'https://example.com/a|b' };
    const columns = ['42', 'org', '7', '2026-01-01 00:00:00.001', '2026-01-02 00:00:00.002', '1,4', ''];
    const values = Object.entries(settings)
      .filter(([name]) => name !== 'defaultRedirectUri')
      .map(([, value]) => (typeof value === 'boolean' ? (value ? '1' : '0') : String(value)));
    const policy = unpackPolicy([...columns, ...values, settings.defaultRedirectUri].join('|'));
    assert.deepEqual(policy.settings, settings);
    assert.deepEqual(policy.factors, { second: [1, 4], multi: [] });
    assert.equal(policy.isDefault, false);
    assert.equal(policy.sequence, 7);
    assert.equal(policy.changeDate.toISOString(), '2026-01-02T00:00:00.002Z');
  });
});

/** A new database file in WAL mode with `schema`, and its writer. */
function walDatabase(schema: string[]): { dir: string; file: string; writer: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'lpf-unit-'));
  const file = join(dir, 'test.sqlite');
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  for (const statement of schema) writer.exec(statement);
  return { dir, file, writer };
}

describe('the embedded database', () => {
  let dir: string;
  let file: string;
  /** Sets row `a` to `value` through a connection of its own, as another process would. */
  const writeThroughAnotherConnection = (value: number) => {
    const other = new Database(file);
    other.prepare('UPDATE t SET v = ? WHERE k = ?').run(value, 'a');
    other.close();
  };
  let writer: Database.Database;
  let db: SqliteDatabase;

  before(() => {
    ({ dir, file, writer } = walDatabase([
      'CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)',
      "CREATE TABLE numbered (position INTEGER PRIMARY KEY, k TEXT NOT NULL CHECK (k <> 'refused'))",
      'CREATE TABLE counters (id INTEGER PRIMARY KEY, last INTEGER NOT NULL)',
      'INSERT INTO counters (id, last) VALUES (1, 0)',
    ]));
    db = new SqliteDatabase(writer, new Database(file, { readonly: true }), SqliteChangeMarker.open(file));
  });
  after(async () => {
    await db.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits units that arrive together in one transaction, and one that fails rolls back alone', async () => {
    const unit = (key: string, fail: boolean) =>
      db.transaction(async (tx) => {
        tx.write('INSERT INTO t (k, v) VALUES (?, ?)', [key, 1]);
        if (fail) throw new Error(`unit ${key} fails`);
        return key;
      });
    const outcomes = await Promise.allSettled([unit('a', false), unit('b', true), unit('c', false)]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(
      (await db.read<{ k: string }>('SELECT k FROM t ORDER BY k')).map((row) => row.k),
      ['a', 'c'],
    );
  });

  it('a read after a commit of another connection sees it, even with the earlier result cached', async () => {
    assert.deepEqual(await db.read('SELECT v FROM t WHERE k = ?', ['a']), [{ v: 1 }]);
    writeThroughAnotherConnection(2);
    assert.deepEqual(await db.read('SELECT v FROM t WHERE k = ?', ['a']), [{ v: 2 }]);
  });

  it('a keyed read keeps its row until another connection commits, then reads again and sees the commit', async () => {
    const byKey = new KeyedRead((keys) => `SELECT k AS ${ROW_KEY}, v FROM t WHERE k IN (${keys})`);
    const queries: string[] = [];
    const spied = db as unknown as { readerQuery: (sql: string, params: unknown[]) => unknown };
    const readerQuery = spied.readerQuery.bind(db);
    spied.readerQuery = (sql, params) => {
      queries.push(sql);
      return readerQuery(sql, params);
    };
    try {
      writeThroughAnotherConnection(6);
      assert.equal((await db.readByKey(byKey, [], 'a'))?.v, 6);
      assert.equal((await db.readByKey(byKey, [], 'a'))?.v, 6);
      assert.equal(queries.length, 1, 'the second read was answered from the kept row');
      writeThroughAnotherConnection(7);
      assert.equal((await db.readByKey(byKey, [], 'a'))?.v, 7);
      assert.equal(queries.length, 2);
      assert.equal(await db.readByKey(byKey, [], 'nobody'), undefined);
    } finally {
      delete (spied as { readerQuery?: unknown }).readerQuery;
      writeThroughAnotherConnection(2);
    }
  });

  it('a keyed read with a decoder answers with the decoded row, the same value while it is kept, a new one after another connection commits', async () => {
    const decodes: unknown[] = [];
    const decoding = new KeyedRead(
      (keys) => `SELECT k AS ${ROW_KEY}, v FROM t WHERE k IN (${keys})`,
      (row) => {
        decodes.push(row.v);
        return Object.freeze({ value: Number(row.v) * 10 });
      },
    );
    try {
      writeThroughAnotherConnection(8);
      const first = await db.readByKey(decoding, [], 'a');
      assert.deepEqual(first, { value: 80 });
      assert.equal(await db.readByKey(decoding, [], 'a'), first, 'the kept answer is the value decoded before');
      assert.deepEqual(decodes, [8], 'decoded once while kept');
      writeThroughAnotherConnection(9);
      assert.deepEqual(await db.readByKey(decoding, [], 'a'), { value: 90 });
      assert.deepEqual(decodes, [8, 9]);
      assert.equal(await db.readByKey(decoding, [], 'nobody'), undefined, 'no row: nothing to decode');
      assert.deepEqual(decodes, [8, 9]);
      const inUnit = await db.transaction((tx) => tx.readByKey(decoding, [], 'a'));
      assert.deepEqual(inUnit, { value: 90 }, 'a unit of work reads the decoded row too');
    } finally {
      writeThroughAnotherConnection(2);
    }
  });

  it('reads asked for in one turn are answered together, and one asked after a commit of another connection, in the same turn, sees it', async () => {
    const before = db.read('SELECT v FROM t WHERE k = ?', ['a']);
    writeThroughAnotherConnection(4);
    const afterCommit = db.read('SELECT v FROM t WHERE k = ?', ['a']);
    const broken = db.read('SELECT nothing FROM nowhere');
    assert.deepEqual(await afterCommit, [{ v: 4 }]);
    assert.deepEqual(await before, [{ v: 4 }], 'answered after the turn, so it may only be newer');
    await assert.rejects(broken, { code: 'SQLITE_ERROR' }, 'a failing read fails alone');
    writeThroughAnotherConnection(2);
  });

  it('more units than one commit takes (256) are all committed, in the following commits', async () => {
    const keys = Array.from({ length: 600 }, (_, i) => `many-${i}`);
    await Promise.all(keys.map((key) => db.transaction(async (tx) => tx.write('INSERT INTO t (k, v) VALUES (?, ?)', [key, 0]))));
    assert.deepEqual(await db.read("SELECT COUNT(*) AS n FROM t WHERE k LIKE 'many-%'"), [{ n: 600 }]);
  });

  it('past its limit of 50,000 kept results, reads still answer, and a change is still seen', async () => {
    for (let i = 0; i < 50_010; i++) await db.read('SELECT ? AS n', [i]);
    assert.deepEqual(await db.read('SELECT ? AS n', [50_005]), [{ n: 50_005 }]);
    assert.deepEqual(await db.read('SELECT v FROM t WHERE k = ?', ['a']), [{ v: 2 }]);
    writeThroughAnotherConnection(3);
    assert.deepEqual(await db.read('SELECT v FROM t WHERE k = ?', ['a']), [{ v: 3 }]);
  });

  it('numbers the rows of units committed together gap-free, in order, and gives back the numbers of a unit that rolls back', async () => {
    const counter = { table: 'counters', column: 'last', where: 'id = 1' };
    const unit = (...keys: string[]) =>
      db.transaction(async (tx) => {
        tx.writeNumbered({ counter, count: keys.length, inserts: [{ into: 'numbered (position, k)', rows: keys.map((key) => [key]) }] });
        return keys;
      });
    // the first unit is the first to read the counter, and fails after taking its number; so does the third
    const outcomes = await Promise.allSettled([unit('refused'), unit('a1', 'a2'), unit('b1', 'refused'), unit('c1')]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(await db.read('SELECT position, k FROM numbered ORDER BY position'), [
      { position: 1, k: 'a1' },
      { position: 2, k: 'a2' },
      { position: 3, k: 'c1' },
    ]);
    assert.deepEqual(await db.read('SELECT last FROM counters'), [{ last: 3 }]);
    await unit('d1');
    assert.deepEqual(await db.read('SELECT position, k FROM numbered WHERE k = ?', ['d1']), [{ position: 4, k: 'd1' }], 'the next commit goes on from the stored counter');
  });

  it('a unit reads what units before it in the same commit wrote', async () => {
    const [first, second] = await Promise.all([
      db.transaction(async (tx) => {
        tx.write('UPDATE t SET v = v + 10 WHERE k = ?', ['c']);
        return 'written';
      }),
      db.transaction(async (tx) => (await tx.read<{ v: number }>('SELECT v FROM t WHERE k = ?', ['c']))[0].v),
    ]);
    assert.equal(first, 'written');
    assert.equal(second, 11);
  });
});

describe('checkpoints of the embedded database', () => {
  let dir: string;
  let file: string;
  let writer: Database.Database;
  let checkpointer: SqliteCheckpointer;
  let db: SqliteDatabase;

  /** The WAL's last frame and how many frames a checkpoint has copied into the database file, from the `-shm` file. */
  const walState = () => {
    const shm = readFileSync(`${file}-shm`);
    return { lastFrame: shm.readUInt32LE(16), backfilled: shm.readUInt32LE(96) };
  };
  const commitRows = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await db.transaction(async (tx) => {
        tx.write('INSERT INTO t (k, v) VALUES (?, ?)', [`${Date.now()}-${i}-${Math.random()}`, 'x'.repeat(2000)]);
      });
    }
  };
  const eventually = async (what: string, holds: () => boolean) => {
    for (const started = Date.now(); !holds(); await new Promise((resolve) => setTimeout(resolve, 20))) {
      if (Date.now() - started > 3000) assert.fail(`not within 3 s: ${what}`);
    }
  };

  before(() => {
    ({ dir, file, writer } = walDatabase(['CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)']));
    checkpointer = new SqliteCheckpointer(file, writer);
    db = new SqliteDatabase(writer, new Database(file, { readonly: true }), SqliteChangeMarker.open(file), checkpointer);
  });
  after(async () => {
    await db.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run off the writer: it commits without checkpointing, and what it committed is copied into the database file shortly after', async () => {
    assert.equal(writer.pragma('wal_autocheckpoint', { simple: true }), 1000, "SQLite's own until the first commit");
    await commitRows(200);
    assert.equal(writer.pragma('wal_autocheckpoint', { simple: true }), 0);
    assert.ok(walState().lastFrame > 0);
    await eventually('every WAL frame copied into the database file', () => walState().backfilled === walState().lastFrame);
  });

  it('when the worker fails, the writer checkpoints by itself again', async () => {
    const worker = checkpointer['worker'] as Worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await worker.terminate();
    await exited;
    assert.equal(writer.pragma('wal_autocheckpoint', { simple: true }), 1000);
    await commitRows(20);
    const reader = new Database(file, { readonly: true });
    assert.equal((reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 220, 'every commit stored');
    reader.close();
  });
});

describe('closing the embedded database', () => {
  it('checkpoints what was committed before the writer closes', async () => {
    const { dir, file, writer } = walDatabase(['CREATE TABLE t (k TEXT PRIMARY KEY)']);
    const db = new SqliteDatabase(writer, new Database(file, { readonly: true }), SqliteChangeMarker.open(file), new SqliteCheckpointer(file, writer));
    try {
      await Promise.all(Array.from({ length: 50 }, (_, i) => db.transaction(async (tx) => tx.write('INSERT INTO t (k) VALUES (?)', [`k${i}`]))));
      await db.close();
      const shm = readFileSync(`${file}-shm`);
      assert.ok(shm.readUInt32LE(16) > 0);
      assert.equal(shm.readUInt32LE(96), shm.readUInt32LE(16), 'every WAL frame copied into the database file');
    } finally {
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for the last checkpoint no longer than its timeout, then closes with a warning and loses nothing', async () => {
    const { dir, file, writer } = walDatabase(['CREATE TABLE t (k TEXT PRIMARY KEY)']);
    // a worker that takes every message and answers none
    const silent = "require('node:worker_threads').parentPort.on('message', () => undefined);";
    const checkpointer = new SqliteCheckpointer(file, writer, { closeTimeoutMs: 300, workerScript: silent });
    const db = new SqliteDatabase(writer, new Database(file, { readonly: true }), SqliteChangeMarker.open(file), checkpointer);
    const warnings: string[] = [];
    const logger = checkpointer['logger'] as { warn: (message: string) => void };
    logger.warn = (message) => void warnings.push(message);
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => db.transaction(async (tx) => tx.write('INSERT INTO t (k) VALUES (?)', [`k${i}`]))));
      const started = Date.now();
      await db.close();
      const waited = Date.now() - started;
      assert.ok(waited >= 280 && waited < 3000, `closed after ${waited} ms`);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /did not end within 300 ms/);
      writer.close();
      const reader = new Database(file, { readonly: true });
      assert.equal((reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 20, 'every commit stored');
      reader.close();
    } finally {
      if (writer.open) writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
