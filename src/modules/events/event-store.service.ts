import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { SqlParam } from '../../common/database/sql.js';
import { SqlDatabase } from '../../common/database/sql-database.js';
import { toSqlTime } from '../../common/database/sql-time.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
import { EventSequencer } from './event-sequencer.service.js';
import { AggregateRef, AppendedEvent, EventDraft, EventStream } from './stored-event.js';

/**
 * An aggregate's current sequence as an SQL expression (0 before its first event), from the
 * columns or placeholders that name it. It is one step down the aggregate's key (instance, type,
 * id, sequence): the last entry, not a scan. (MariaDB answers `MAX(sequence)` with one lookup only
 * when the aggregate is named by constants; in a subquery correlated with an outer row it reads
 * every event of the aggregate.)
 */
export function streamSequenceSql(instanceId: string, aggregateType: string, aggregateId: string): string {
  return (
    `COALESCE((SELECT s.sequence FROM events s WHERE s.instance_id = ${instanceId} AND s.aggregate_type = ${aggregateType} AND s.aggregate_id = ${aggregateId} ` +
    'ORDER BY s.sequence DESC LIMIT 1), 0)'
  );
}

/**
 * A command's read names its aggregate's current sequence with this expression (parameters:
 * `streamParams(aggregate)`), so the state and the sequence it was read at come in one statement.
 */
export const STREAM_SEQUENCE_SQL = streamSequenceSql('?', '?', '?');

export function streamParams(aggregate: AggregateRef): SqlParam[] {
  return [aggregate.instanceId, aggregate.type, aggregate.id];
}

const EVENT_COLUMNS = 'instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at';

/**
 * The event store, for the commands of every module: runs a command as one transaction and
 * appends its events there, beside the module's projection writes.
 *
 * Concurrency: the events of an aggregate carry the gap-free sequence after the one the command
 * read; `(instance, aggregate, sequence)` is unique, so of two commands that read the same state
 * one commits and the other runs again on the new state.
 *
 * Positions become visible in commit order. On SQLite, where one writer commits at a time, a
 * command takes them from the `event_positions` counter as its last writes. On MySQL the events
 * are stored without one and the EventSequencer positions them right after they committed.
 */
@Injectable()
export class EventStore {
  private readonly positionsAtCommit: boolean;
  private readonly publishing: boolean;
  private readonly appended = new WeakSet<SqlTransaction>();

  constructor(
    private readonly db: SqlDatabase,
    private readonly sequencer: EventSequencer,
    config: AppConfig,
  ) {
    this.positionsAtCommit = db.dialect === 'sqlite';
    this.publishing = config.bus.transport !== 'none';
  }

  /** Runs `command` in one transaction; again from its read when another writer committed first. */
  async transaction<T>(command: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    let appended = false;
    const result = await this.db.transaction((tx) =>
      command(tx).then((value) => {
        appended = this.appended.has(tx);
        return value;
      }),
    );
    if (appended) this.sequencer.nudge();
    return result;
  }

  /**
   * Appends `drafts` to `stream` when the transaction commits, with the sequences after the one
   * read. Returns the events with sequence and time.
   */
  append(tx: SqlTransaction, stream: EventStream, drafts: EventDraft[], creator: string): AppendedEvent[] {
    if (drafts.length === 0) return [];
    const createdAt = new Date();
    const events = drafts.map((draft, i) => ({ ...draft, aggregate: stream.aggregate, sequence: stream.sequence + i + 1, createdAt }));
    const { instanceId, type, id } = stream.aggregate;
    const shared = [creator, id, toSqlTime(createdAt)];
    this.appended.add(tx);
    if (!this.positionsAtCommit) {
      tx.writeLast(
        `INSERT INTO events (${EVENT_COLUMNS}) VALUES ${events.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        events.flatMap((event) => [instanceId, type, id, event.sequence, event.type, JSON.stringify(event.payload), ...shared]),
      );
      return events;
    }
    // the n events take the n positions up to the counter's new value, in sequence order
    tx.writeLast('UPDATE event_positions SET last_position = last_position + ? WHERE id = 1', [events.length]);
    const rows = events.map(() => 'SELECT ? AS back, ? AS sequence, ? AS event_type, ? AS payload').join(' UNION ALL ');
    tx.writeLast(
      `INSERT INTO events (position, ${EVENT_COLUMNS}) ` +
        `SELECT p.last_position - e.back, ?, ?, ?, e.sequence, e.event_type, e.payload, ?, ?, ? FROM event_positions p CROSS JOIN (${rows}) e WHERE p.id = 1`,
      [instanceId, type, id, ...shared, ...events.flatMap((event, i) => [events.length - 1 - i, event.sequence, event.type, JSON.stringify(event.payload)])],
    );
    if (this.publishing) {
      const backs = events.map(() => 'SELECT ? AS back').join(' UNION ALL ');
      tx.writeLast(`INSERT INTO event_outbox (position) SELECT p.last_position - e.back FROM event_positions p CROSS JOIN (${backs}) e WHERE p.id = 1`, events.map((_, i) => events.length - 1 - i));
    }
    return events;
  }

  /** Position of the newest positioned event (0 when there is none). */
  async lastPosition(): Promise<number> {
    const [row] = await this.db.read<{ last_position: number | string }>('SELECT last_position FROM event_positions WHERE id = 1');
    return Number(row?.last_position ?? 0);
  }

  /** The stream after `events` were appended to it. */
  static after(stream: EventStream, events: AppendedEvent[]): EventStream {
    return events.length === 0 ? stream : { aggregate: stream.aggregate, sequence: events[events.length - 1].sequence };
  }
}
