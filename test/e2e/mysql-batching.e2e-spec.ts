import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pool, createPool } from 'mysql2';
import { FailoverPool } from '../../src/common/database/failover-pool.js';
import { KeyedRead, ROW_KEY } from '../../src/common/database/keyed-read.js';
import { MysqlDatabase } from '../../src/common/database/mysql-database.js';
import { SqlParam } from '../../src/common/database/sql.js';
import { MYSQL_URL, createMysqlDatabase } from '../support/databases.js';
import '../support/no-debug-lines.js';

const VALUE_OF = new KeyedRead((keys) => `SELECT k AS ${ROW_KEY}, v FROM kv WHERE scope = ? AND k IN (${keys})`);

describe('MariaDB: keyed reads answered together, units of work committed together', { skip: MYSQL_URL ? false : 'TEST_DATABASE_URL is not set' }, () => {
  let database: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let pool: Pool;
  let db: MysqlDatabase;

  before(async () => {
    database = await createMysqlDatabase();
    pool = createPool({ uri: database.url, connectionLimit: 10, multipleStatements: true });
    db = new MysqlDatabase(new FailoverPool([{ name: 'test', pool }], async () => undefined));
    await db.execute('CREATE TABLE kv (scope VARCHAR(20) NOT NULL, k VARCHAR(20) NOT NULL, v INT NOT NULL, PRIMARY KEY (scope, k)) COLLATE utf8mb4_bin');
    await db.execute('CREATE TABLE claims (k VARCHAR(20) NOT NULL, owner INT NOT NULL, PRIMARY KEY (k)) COLLATE utf8mb4_bin');
    // the generation the kept rows follow: the position counter, and events that may lack a position
    await db.execute('CREATE TABLE event_positions (id TINYINT UNSIGNED NOT NULL, last_position BIGINT UNSIGNED NOT NULL, PRIMARY KEY (id))');
    await db.execute('INSERT INTO event_positions VALUES (1, 0)');
    await db.execute('CREATE TABLE events (id INT NOT NULL AUTO_INCREMENT, position BIGINT UNSIGNED NULL, PRIMARY KEY (id), UNIQUE KEY (position))');
    await db.execute(`INSERT INTO kv VALUES ${Array.from({ length: 500 }, (_, index) => `('s', 'k${index}', ${index}), ('t', 'k${index}', ${1000 + index})`).join(', ')}`);
  });

  /** Commits a value the way a command commits its changes: the position counter moves in the same transaction. */
  function setValue(key: string, value: number): Promise<void> {
    return db.transaction(async (tx) => {
      tx.write("UPDATE kv SET v = ? WHERE scope = 's' AND k = ?", [value, key]);
      tx.write('UPDATE event_positions SET last_position = last_position + 1 WHERE id = 1');
    });
  }

  /** Past the time kept rows stay unused after the counter moved. */
  const settle = () => new Promise((done) => setTimeout(done, 150));

  after(async () => {
    await new Promise((resolve) => pool.end(resolve));
    await database.drop();
  });

  it('1,000 concurrent reads of 500 keys in two scopes, and of missing keys, each get their own row', async () => {
    const reads = Array.from({ length: 1000 }, (_, index) => ({ scope: index % 2 ? 's' : 't', key: index % 10 === 9 ? `missing${index}` : `k${index % 500}` }));
    const rows = await Promise.all(reads.map(({ scope, key }) => db.readByKey(VALUE_OF, [scope], key)));
    reads.forEach(({ scope, key }, index) => {
      const expected = key.startsWith('missing') ? undefined : (scope === 's' ? 0 : 1000) + Number(key.slice(1));
      assert.equal(rows[index]?.v, expected, `${scope}/${key}`);
    });
  });

  it('under a flood of concurrent reads, a read asked for after a commit always sees it (200 rounds)', async () => {
    let flooding = true;
    const flood = Array.from({ length: 24 }, async (_, reader) => {
      // half the flood reads the very key that is written, so statements asking for it are always in flight
      for (let index = 0; flooding; index++) await db.readByKey(VALUE_OF, ['s'], index % 2 ? 'k7' : `k${(reader * 20 + index) % 500}`);
    });
    try {
      for (let round = 1; round <= 200; round++) {
        await setValue('k7', 10_000 + round);
        const row = await db.readByKey(VALUE_OF, ['s'], 'k7');
        assert.equal(row?.v, 10_000 + round, `round ${round}`);
      }
    } finally {
      flooding = false;
      await Promise.all(flood);
    }
  });

  it('a kept row answers while the position counter stands still; a commit that moves it, or leaves an event without a position, is in the next read', async () => {
    const read = async () => (await db.readByKey(VALUE_OF, ['s'], 'k42'))?.v;
    await setValue('k42', 1);
    assert.equal(await read(), 1);
    await settle();
    // a change that leaves the counter alone (no command does that) is not seen: the read was answered from the kept row
    await db.execute("UPDATE kv SET v = 2 WHERE scope = 's' AND k = 'k42'");
    assert.equal(await read(), 1, 'answered from the kept row');
    // while rows are kept, a key that is not among them, and one without a row, are read from the server
    const [notKept, missing] = await Promise.all([db.readByKey(VALUE_OF, ['s'], 'k43'), db.readByKey(VALUE_OF, ['s'], 'none')]);
    assert.deepEqual([notKept?.v, missing], [43, undefined]);
    await setValue('k42', 3);
    assert.equal(await read(), 3, 'the counter moved');
    await settle();
    assert.equal(await read(), 3);
    await db.transaction(async (tx) => {
      tx.write("UPDATE kv SET v = 4 WHERE scope = 's' AND k = 'k42'");
      tx.write('INSERT INTO events (position) VALUES (NULL)');
    });
    assert.equal(await read(), 4, 'an event without a position: the counter cannot be trusted');
    await db.execute('UPDATE events SET position = 1000000 WHERE position IS NULL');
  });

  it('units read their keyed state one statement at a time, without the generation: 100 concurrent units share three statements', async () => {
    const original = db.read.bind(db);
    const texts: string[] = [];
    let inFlight = 0;
    let most = 0;
    // every statement the database sends goes through read: the keyed ones of kv are counted while they run
    db.read = ((sql: string, params?: readonly SqlParam[]) => {
      if (!sql.includes('FROM kv')) return original(sql, params);
      texts.push(sql);
      most = Math.max(most, ++inFlight);
      return original(sql, params).finally(() => inFlight--);
    }) as typeof db.read;
    try {
      const values = await Promise.all(Array.from({ length: 100 }, (_, index) => db.transaction(async (tx) => (await tx.readByKey(VALUE_OF, ['t'], `k${index}`))?.v)));
      // scope t: no test writes it
      assert.deepEqual(values, Array.from({ length: 100 }, (_, index) => 1000 + index), 'each unit gets its own row');
      assert.equal(most, 1, 'one statement of the units at a time');
      // the first unit's alone, then the 99 that arrived meanwhile, at most 64 keys a statement
      assert.equal(texts.length, 3, `statements: ${texts.length}`);
      assert.ok(texts.every((text) => !text.includes('read_at')), 'nothing a unit reads is kept, so no generation is read with it');
    } finally {
      Reflect.deleteProperty(db, 'read');
    }
  });

  it('300 concurrent units, a third of them claiming a key another unit claims: each key is claimed once, every unit gets its own answer', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 300 }, (_, index) =>
        // units 0..199 claim their own key; 200..299 claim the key of unit index - 200 again
        db.transaction(async (tx) => {
          const key = `c${index < 200 ? index : index - 200}`;
          const [taken] = await tx.read('SELECT owner FROM claims WHERE k = ?', [key]);
          if (taken) return { key, claimed: false };
          tx.write('INSERT INTO claims (k, owner) VALUES (?, ?)', [key, index]);
          return { key, claimed: true };
        }),
      ),
    );
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.deepEqual(rejected, [], 'a lost race runs again and finds the key taken; nothing fails');
    const answers = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<{ key: string; claimed: boolean }>).value);
    const claimedPerKey = new Map<string, number>();
    for (const { key, claimed } of answers) if (claimed) claimedPerKey.set(key, (claimedPerKey.get(key) ?? 0) + 1);
    assert.equal(claimedPerKey.size, 200, 'every key claimed');
    assert.ok([...claimedPerKey.values()].every((count) => count === 1), 'no key claimed twice');
    const [{ count }] = await db.read<{ count: number }>('SELECT COUNT(*) AS count FROM claims');
    assert.equal(Number(count), 200);
  });
});
