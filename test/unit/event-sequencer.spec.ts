import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppConfig } from '../../src/common/config/app-config.js';
import { SqlDatabase, WriteContention } from '../../src/common/database/sql-database.js';
import { SqlRow, SqlStatement, SqlWriteResult } from '../../src/common/database/sql.js';
import { BufferedTransaction, SqlTransaction } from '../../src/common/database/sql-transaction.js';
import { EventSequencer } from '../../src/modules/events/event-sequencer.service.js';
import '../support/no-debug-lines.js';

interface StoredEvent {
  aggregate_id: string;
  sequence: number;
  created_at: string;
  position: number | null;
}

/**
 * Events in memory and a counter. A sequencer transaction sees them as MySQL answers its reads. With
 * `lose`, every attempt is aborted as a deadlock; with `rival` too, another process's sequencer
 * positions every pending event meanwhile.
 */
class EventsDatabase extends SqlDatabase {
  readonly dialect = 'mysql' as const;
  readonly reads: string[] = [];
  readonly committed: SqlStatement[] = [];
  lastPosition = 10;
  lose = false;
  rival = false;
  attempts = 0;

  constructor(readonly events: StoredEvent[]) {
    super();
  }

  async read<T extends SqlRow = SqlRow>(sql: string): Promise<T[]> {
    assert.match(sql, /^SELECT instance_id, aggregate_type, aggregate_id, sequence FROM events WHERE position IS NULL$/);
    return this.pending().map((event) => ({ instance_id: 'i', aggregate_type: 'org', ...event })) as unknown as T[];
  }
  async ping(): Promise<void> {}
  async execute(): Promise<SqlWriteResult> {
    return { affectedRows: 0 };
  }
  async close(): Promise<void> {}
  protected attempt<T>(): Promise<T> {
    throw new Error('the sequencer uses locking transactions only');
  }

  protected async attemptLocking<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    this.attempts++;
    if (this.lose) {
      if (this.rival) for (const event of this.pending()) event.position = ++this.lastPosition;
      throw Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK' });
    }
    const tx = new BufferedTransaction(async (sql) => {
      this.reads.push(sql);
      const pending = this.pending();
      const columns = (event?: StoredEvent) => ({ last_position: this.lastPosition, instance_id: event ? 'i' : null, aggregate_type: event ? 'org' : null, ...event });
      return pending.length ? pending.map(columns) : [columns()];
    });
    const result = await work(tx);
    this.committed.push(...tx.statements(() => []));
    return result;
  }

  pending(): StoredEvent[] {
    return this.events.filter((event) => event.position === null);
  }
}

const config = { bus: { transport: 'none' } } as AppConfig;
const event = (aggregate_id: string, sequence: number, created_at: string): StoredEvent => ({ aggregate_id, sequence, created_at, position: null });

describe('the event sequencer', () => {
  it('locks only the counter row, reads the pending events without locking them, and positions each by its key', async () => {
    const db = new EventsDatabase([event('a', 2, '12:00:02'), event('b', 1, '12:00:01'), event('a', 1, '12:00:03')]);
    await new EventSequencer(db, config).catchUp();
    assert.equal(db.reads.length, 1, 'one round trip before the writes');
    const [lock, read] = db.reads[0].split('; ');
    assert.equal(lock, 'SELECT last_position FROM event_positions WHERE id = 1 FOR UPDATE');
    assert.doesNotMatch(read, /FOR UPDATE|LOCK IN SHARE MODE/);
    assert.deepEqual(
      db.committed.map((statement) => [statement.sql.split(' WHERE ')[0], ...statement.params]),
      [
        ['UPDATE events SET position = ?', 11, 'i', 'org', 'b', 1],
        ['UPDATE events SET position = ?', 12, 'i', 'org', 'a', 1],
        ['UPDATE events SET position = ?', 13, 'i', 'org', 'a', 2],
        ['UPDATE event_positions SET last_position = ?', 13],
      ],
    );
    assert.match(db.committed[0].sql, /WHERE instance_id = \? AND aggregate_type = \? AND aggregate_id = \? AND sequence = \?$/);
  });

  it('with a bus, puts the positioned events in the outbox in the same transaction', async () => {
    const db = new EventsDatabase([event('a', 1, '12:00:01'), event('b', 1, '12:00:02')]);
    await new EventSequencer(db, { bus: { transport: 'nats' } } as AppConfig).catchUp();
    assert.deepEqual(
      db.committed.slice(2).map((statement) => [statement.sql, ...statement.params]),
      [
        ['INSERT INTO event_outbox (position) VALUES (?), (?)', 11, 12],
        ['UPDATE event_positions SET last_position = ? WHERE id = 1', 12],
      ],
    );
  });

  it('succeeds when its pass loses every attempt but another process positioned the events it found', async () => {
    const db = new EventsDatabase([event('a', 1, '12:00:01')]);
    db.lose = db.rival = true;
    await new EventSequencer(db, config).catchUp();
    assert.equal(db.attempts, 30);
    assert.deepEqual(db.pending(), []);
  });

  it('answers the contention (503) when an event it found is still without a position', async () => {
    const db = new EventsDatabase([event('a', 1, '12:00:01')]);
    db.lose = true;
    await assert.rejects(new EventSequencer(db, config).catchUp(), WriteContention);
    assert.equal(db.attempts, 30);
  });
});
