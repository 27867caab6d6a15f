import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { committedEvents } from '../../src/common/database/committed-events.js';
import { SqlParam, SqlRow } from '../../src/common/database/sql.js';
import { UnitWrites } from '../../src/common/database/sql-transaction.js';

const COUNTER = { table: 'event_positions', column: 'last_position', where: 'id = 1' };
const INTO = 'events (position, instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at)';

function unit(id: string, sequence: number, payload = '{"mfaType":4}'): UnitWrites {
  return {
    writes: [{ sql: 'UPDATE login_policies SET sequence = ?', params: [sequence] }],
    numbered: [
      {
        counter: COUNTER,
        count: 1,
        inserts: [
          { into: INTO, rows: [['i1', 'org', id, sequence, 'org.policy.login.secondfactor.added', payload, 'user-1', id, '2026-12-03 14:00:00.123']] },
          { into: 'event_outbox (position)', rows: [[]] },
        ],
      },
    ],
  };
}

function stored(...units: UnitWrites[]): SqlRow[] {
  return units.flatMap((u) =>
    u.numbered[0].inserts[0].rows.map(([instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, , created_at]) => ({
      instance_id,
      aggregate_type,
      aggregate_id,
      sequence,
      event_type,
      payload,
      creator,
      created_at,
    })),
  );
}

/** A database that answers the check with `rows`, and keeps what it was asked. */
function database(rows: SqlRow[]) {
  const asked: { sql: string; params: readonly SqlParam[] }[] = [];
  return { asked, read: async (sql: string, params: readonly SqlParam[]) => (asked.push({ sql, params }), rows) };
}

describe('committedEvents: whether a commit cut off during its round trip happened', () => {
  it('asks for the events by their unique key, and answers true when all are stored with the same content', async () => {
    const units = [unit('o1', 3), unit('o2', 7)];
    const db = database(stored(...units));
    assert.equal(await committedEvents(units, db.read), true);
    assert.match(db.asked[0].sql, /^SELECT .* FROM events WHERE \(instance_id, aggregate_type, aggregate_id, sequence\) IN \(\(\?, \?, \?, \?\), \(\?, \?, \?, \?\)\)$/);
    assert.deepEqual(db.asked[0].params, ['i1', 'org', 'o1', 3, 'i1', 'org', 'o2', 7]);
  });

  it('answers false when none is stored, or the key holds another writer\'s event', async () => {
    assert.equal(await committedEvents([unit('o1', 3)], database([]).read), false);
    assert.equal(await committedEvents([unit('o1', 3)], database(stored(unit('o1', 3, '{"mfaType":2}'))).read), false);
  });

  it('answers false for units without events (nothing to tell by), without asking', async () => {
    const db = database([]);
    assert.equal(await committedEvents([{ writes: [{ sql: 'UPDATE x SET y = 1', params: [] }], numbered: [] }], db.read), false);
    assert.equal(db.asked.length, 0);
  });

  it('throws when only some events of one transaction are there', async () => {
    const units = [unit('o1', 3), unit('o2', 7)];
    await assert.rejects(committedEvents(units, database(stored(units[0])).read), /1 of 2 events/);
  });
});
