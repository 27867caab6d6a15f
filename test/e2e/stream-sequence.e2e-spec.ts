import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection, createConnection } from 'mysql2/promise';
import { streamSequenceSql } from '../../src/modules/events/event-store.service.js';
import { MYSQL_URL, createMysqlDatabase } from '../support/databases.js';

const EVENTS_PER_ORG = 300;

describe('MariaDB: a command reads its aggregate\'s sequence in one step, however long the stream', { skip: MYSQL_URL ? false : 'TEST_DATABASE_URL is not set' }, () => {
  let database: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let connection: Connection;

  before(async () => {
    database = await createMysqlDatabase();
    connection = await createConnection({ uri: database.url });
    // the events table's key, as the migrations make it
    await connection.query(
      'CREATE TABLE events (instance_id VARCHAR(32) NOT NULL, aggregate_type VARCHAR(32) NOT NULL, aggregate_id VARCHAR(32) NOT NULL, sequence BIGINT UNSIGNED NOT NULL, ' +
        'PRIMARY KEY (instance_id, aggregate_type, aggregate_id, sequence)) COLLATE utf8mb4_bin',
    );
    await connection.query('CREATE TABLE orgs (instance_id VARCHAR(32) NOT NULL, id VARCHAR(32) NOT NULL, PRIMARY KEY (instance_id, id)) COLLATE utf8mb4_bin');
    await connection.query("INSERT INTO orgs VALUES ('i', 'o1'), ('i', 'o2'), ('i', 'o3')");
    const rows = ['o1', 'o2'].flatMap((org) => Array.from({ length: EVENTS_PER_ORG }, (_, i) => `('i', 'org', '${org}', ${i + 1})`));
    await connection.query(`INSERT INTO events VALUES ${rows.join(', ')}`);
    await connection.query('ANALYZE TABLE events');
  });

  after(async () => {
    await connection.end();
    await database.drop();
  });

  it(`names each org's last sequence (0 without events) reading one index entry per org, not its ${EVENTS_PER_ORG} events`, async () => {
    await connection.query('FLUSH STATUS');
    const [rows] = await connection.query(
      `SELECT o.id, ${streamSequenceSql('o.instance_id', '?', 'o.id')} AS stream_sequence FROM orgs o WHERE o.instance_id = 'i' AND o.id IN ('o1', 'o2', 'o3') ORDER BY o.id`,
      ['org'],
    );
    const [status] = await connection.query("SHOW SESSION STATUS WHERE Variable_name IN ('Handler_read_next', 'Handler_read_prev')");
    assert.deepEqual(
      (rows as { id: string; stream_sequence: number | string }[]).map((row) => [row.id, Number(row.stream_sequence)]),
      [['o1', EVENTS_PER_ORG], ['o2', EVENTS_PER_ORG], ['o3', 0]],
    );
    const stepped = (status as { Value: string }[]).reduce((sum, row) => sum + Number(row.Value), 0);
    assert.ok(stepped <= 10, `index entries stepped through: ${stepped}`);
  });
});
