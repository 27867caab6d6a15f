import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { LAST_POSITION_SQL, POSITION_COUNTER } from '../../common/database/position-counter.js';
import { SqlParam } from '../../common/database/sql.js';
import { SqlDatabase, UnitOptions } from '../../common/database/sql-database.js';
import { toSqlTime } from '../../common/database/sql-time.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
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
/** Where the numbered rows of an append go (one text each, built once). */
const EVENTS_INTO = `events (position, ${EVENT_COLUMNS})`;
const OUTBOX_INTO = 'event_outbox (position)';

/**
 * The event store, for the commands of every module: runs a command as one transaction and
 * appends its events there, beside the module's projection writes.
 *
 * Concurrency: the events of an aggregate carry the gap-free sequence after the one the command
 * read; `(instance, aggregate, sequence)` is unique, so of two commands that read the same state
 * one commits and the other runs again on the new state.
 *
 * Positions become visible in commit order: a command takes them from the `event_positions`
 * counter as its last writes, so the counter's row lock orders the transactions that take
 * positions, and one that took lower positions has committed before the next can take higher
 * ones. The lock is held only while the commit itself runs (on MySQL the writes and the commit go
 * in one round trip, and the commands that commit together take their positions in one
 * transaction; on SQLite one writer commits at a time anyway).
 */
@Injectable()
export class EventStore {
  private readonly publishing: boolean;

  constructor(
    private readonly db: SqlDatabase,
    config: AppConfig,
  ) {
    this.publishing = config.bus.transport !== 'none';
  }

  /** Runs `command` in one transaction; again from its read when another writer committed first. A dry run stores nothing. */
  transaction<T>(command: (tx: SqlTransaction) => Promise<T>, options?: UnitOptions): Promise<T> {
    return this.db.transaction(command, options);
  }

  /**
   * Appends `drafts` to `stream` when the transaction commits, with the sequences after the one
   * read. Returns the events with sequence and time.
   */
  append(tx: SqlTransaction, stream: EventStream, drafts: EventDraft[], creator: string): AppendedEvent[] {
    if (drafts.length === 0) return [];
    const createdAt = new Date();
    const { aggregate } = stream;
    const { instanceId, type, id } = aggregate;
    const storedAt = toSqlTime(createdAt);
    const events: AppendedEvent[] = [];
    const rows: SqlParam[][] = [];
    // one object shape per event and no spread of the draft: a command's appends are on the write path
    for (let i = 0; i < drafts.length; i++) {
      const { type: eventType, payload } = drafts[i];
      const sequence = stream.sequence + i + 1;
      events.push({ type: eventType, payload, aggregate, sequence, createdAt });
      rows.push([instanceId, type, id, sequence, eventType, JSON.stringify(payload), creator, id, storedAt]);
    }
    // the events take the next positions in sequence order; with a bus, the outbox gets the same positions
    const inserts = [{ into: EVENTS_INTO, rows }];
    if (this.publishing) inserts.push({ into: OUTBOX_INTO, rows: events.map(() => []) });
    tx.writeNumbered({ counter: POSITION_COUNTER, count: events.length, inserts });
    return events;
  }

  /** Position of the newest positioned event (0 when there is none). */
  async lastPosition(): Promise<number> {
    const [row] = await this.db.read<{ last_position: number | string }>(LAST_POSITION_SQL);
    return Number(row?.last_position ?? 0);
  }

  /** The stream after `events` were appended to it. */
  static after(stream: EventStream, events: AppendedEvent[]): EventStream {
    return events.length === 0 ? stream : { aggregate: stream.aggregate, sequence: events[events.length - 1].sequence };
  }
}
