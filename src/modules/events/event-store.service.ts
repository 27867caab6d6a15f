import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { SqlParam } from '../../common/database/sql.js';
import { SqlDatabase } from '../../common/database/sql-database.js';
import { toSqlTime } from '../../common/database/sql-time.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
import { AggregateRef, AppendedEvent, EventDraft, EventStream } from './stored-event.js';

/**
 * A command's read names its aggregate's stream sequence with this subquery (parameters:
 * `streamParams(aggregate)`), so the state and the sequence it was read at come in one statement.
 */
export const STREAM_SEQUENCE_SQL =
  '(SELECT s.sequence FROM event_streams s WHERE s.instance_id = ? AND s.aggregate_type = ? AND s.aggregate_id = ?)';

export function streamParams(aggregate: AggregateRef): SqlParam[] {
  return [aggregate.instanceId, aggregate.type, aggregate.id];
}

/**
 * The event store, for the commands of every module: runs a command as one transaction and
 * appends its events there, beside the module's projection writes.
 *
 * Concurrency: the events of an aggregate carry the gap-free sequence after the one the command
 * read; `(instance, aggregate, sequence)` is unique, so of two commands that read the same state
 * one commits and the other runs again on the new state.
 *
 * Positions: an event's global position is taken from the one-row counter `event_positions` as
 * the last writes of the transaction, so the counter's row lock is held only while the commit
 * runs and transactions that take positions commit one after the other in position order: an
 * event never becomes visible after one with a higher position. Readers that page by position
 * (ListEvents, the outbox relay) therefore never skip one. The row is certified like any other
 * row on a multi-primary cluster, where auto-increment values would not be in commit order.
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

  /** Runs `command` in one transaction; again from its read when another writer committed first. */
  transaction<T>(command: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(command);
  }

  /**
   * Appends `drafts` to `stream` when the transaction commits, with the sequences after the one
   * read, and (with a bus) their outbox rows. Returns the events with sequence and time.
   */
  append(tx: SqlTransaction, stream: EventStream, drafts: EventDraft[], creator: string): AppendedEvent[] {
    if (drafts.length === 0) return [];
    const createdAt = new Date();
    const events = drafts.map((draft, i) => ({ ...draft, aggregate: stream.aggregate, sequence: stream.sequence + i + 1, createdAt }));
    const { instanceId, type, id } = stream.aggregate;
    const last = events[events.length - 1].sequence;
    if (stream.sequence === 0) {
      tx.writeLast('INSERT INTO event_streams (instance_id, aggregate_type, aggregate_id, sequence) VALUES (?, ?, ?, ?)', [instanceId, type, id, last]);
    } else {
      // no row changes when another command moved the stream on; the event insert then fails on the unique key
      tx.writeLast('UPDATE event_streams SET sequence = ? WHERE instance_id = ? AND aggregate_type = ? AND aggregate_id = ? AND sequence = ?', [
        last,
        instanceId,
        type,
        id,
        stream.sequence,
      ]);
    }
    tx.writeLast('UPDATE event_positions SET last_position = last_position + ? WHERE id = 1', [events.length]);
    // the n events take the n positions up to the counter's new value, in sequence order
    const rows = events.map(() => 'SELECT ? AS back, ? AS sequence, ? AS event_type, ? AS payload').join(' UNION ALL ');
    tx.writeLast(
      'INSERT INTO events (position, instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at) ' +
        `SELECT p.last_position - e.back, ?, ?, ?, e.sequence, e.event_type, e.payload, ?, ?, ? FROM event_positions p CROSS JOIN (${rows}) e WHERE p.id = 1`,
      [
        instanceId,
        type,
        id,
        creator,
        id,
        toSqlTime(createdAt),
        ...events.flatMap((event, i) => [events.length - 1 - i, event.sequence, event.type, JSON.stringify(event.payload)]),
      ],
    );
    if (this.publishing) {
      const backs = events.map(() => 'SELECT ? AS back').join(' UNION ALL ');
      tx.writeLast(`INSERT INTO event_outbox (position) SELECT p.last_position - e.back FROM event_positions p CROSS JOIN (${backs}) e WHERE p.id = 1`, events.map((_, i) => events.length - 1 - i));
    }
    return events;
  }

  /** Position of the newest event (0 when there is none). */
  async lastPosition(): Promise<number> {
    const [row] = await this.db.read<{ last_position: number | string }>('SELECT last_position FROM event_positions WHERE id = 1');
    return Number(row?.last_position ?? 0);
  }

  /** The stream after `events` were appended to it. */
  static after(stream: EventStream, events: AppendedEvent[]): EventStream {
    return events.length === 0 ? stream : { aggregate: stream.aggregate, sequence: events[events.length - 1].sequence };
  }
}
