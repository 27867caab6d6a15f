import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Pool, createPool } from 'mysql2';
import { KeyedRead, ROW_KEY } from '../../src/common/database/keyed-read.js';
import { MysqlDatabase } from '../../src/common/database/mysql-database.js';
import { MYSQL_URL, createMysqlDatabase } from '../support/databases.js';

const VALUE_OF = new KeyedRead((keys) => `SELECT k AS ${ROW_KEY}, v FROM kv WHERE scope = ? AND k IN (${keys})`);

describe('MariaDB: keyed reads answered together, units of work committed together', { skip: MYSQL_URL ? false : 'TEST_DATABASE_URL is not set' }, () => {
  let database: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let pool: Pool;
  let db: MysqlDatabase;

  before(async () => {
    database = await createMysqlDatabase();
    pool = createPool({ uri: database.url, connectionLimit: 10, multipleStatements: true });
    db = new MysqlDatabase(pool);
    await db.execute('CREATE TABLE kv (scope VARCHAR(20) NOT NULL, k VARCHAR(20) NOT NULL, v INT NOT NULL, PRIMARY KEY (scope, k)) COLLATE utf8mb4_bin');
    await db.execute('CREATE TABLE claims (k VARCHAR(20) NOT NULL, owner INT NOT NULL, PRIMARY KEY (k)) COLLATE utf8mb4_bin');
    await db.execute(`INSERT INTO kv VALUES ${Array.from({ length: 500 }, (_, index) => `('s', 'k${index}', ${index}), ('t', 'k${index}', ${1000 + index})`).join(', ')}`);
  });

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
        await db.execute("UPDATE kv SET v = ? WHERE scope = 's' AND k = 'k7'", [10_000 + round]);
        const row = await db.readByKey(VALUE_OF, ['s'], 'k7');
        assert.equal(row?.v, 10_000 + round, `round ${round}`);
      }
    } finally {
      flooding = false;
      await Promise.all(flood);
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
