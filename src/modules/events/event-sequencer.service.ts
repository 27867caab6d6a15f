import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { SqlParam, SqlRow } from '../../common/database/sql.js';
import { SqlDatabase } from '../../common/database/sql-database.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
import { errorText } from '../../common/errors/error-text.js';

/** How often a process looks for events other processes committed without a position. */
const IDLE_POLL_MS = 200;
/** Events positioned per statement. */
const CHUNK = 200;

interface PendingEvent {
  last_position?: number | string;
  instance_id: string;
  aggregate_type: string;
  aggregate_id: string;
  sequence: number | string;
  created_at: string;
}

/**
 * Gives a position to events that were committed without one (MySQL). Commands take their
 * positions at commit (EventStore), but processes of the previous version stored events without
 * a position and positioned them afterwards; while such a process runs beside this one (a rolling
 * upgrade), or when one stopped before it positioned its last events, this positions them.
 *
 * A sequencer transaction positions every committed event that has none, above all positions
 * given before, while holding the lock on the `event_positions` row that commands take their
 * positions from; so an event never becomes visible behind one with a higher position. Per
 * aggregate, positions follow the sequence. With a bus, the positioned events enter the outbox in
 * the same transaction. It looks every 200 ms, and before ListEvents reads.
 */
@Injectable()
export class EventSequencer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventSequencer.name);
  private readonly active: boolean;
  private readonly publishing: boolean;
  private running?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: SqlDatabase,
    config: AppConfig,
  ) {
    this.active = db.dialect === 'mysql';
    this.publishing = config.bus.transport !== 'none';
  }

  onApplicationBootstrap(): void {
    if (!this.active) return;
    this.timer = setInterval(() => void this.catchUp().catch((error: unknown) => this.logger.warn(`positioning events failed: ${errorText(error)}`)), IDLE_POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Resolves once every event committed before the call has its position. */
  async catchUp(): Promise<void> {
    if (!this.active) return;
    const pending = await this.db.read('SELECT 1 AS pending FROM events WHERE position IS NULL LIMIT 1');
    if (pending.length > 0) await this.request();
  }

  /** A pass that starts after this call (one pass at a time per process; calls meanwhile share the next). */
  private request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.passes().finally(() => (this.running = undefined));
    return this.running;
  }

  private async passes(): Promise<void> {
    do {
      this.again = false;
      await this.db.lockingTransaction((tx) => this.positionPending(tx));
    } while (this.again);
  }

  /** One sequencer transaction: lock the counter (reading the events still without a position in the same round trip), position them, commit. */
  private async positionPending(tx: SqlTransaction): Promise<number> {
    const rows = await tx.read<PendingEvent & SqlRow>(
      'SELECT p.last_position, e.instance_id, e.aggregate_type, e.aggregate_id, e.sequence, e.created_at ' +
        'FROM event_positions p LEFT JOIN events e ON e.position IS NULL WHERE p.id = 1 FOR UPDATE',
    );
    const pending = rows.filter((row) => row.instance_id !== null && row.instance_id !== undefined);
    if (pending.length === 0) return 0;
    const first = Number(rows[0].last_position) + 1;
    const ordered = inPositionOrder(pending);
    for (let start = 0; start < ordered.length; start += CHUNK) {
      const chunk = ordered.slice(start, start + CHUNK);
      const values = chunk.map(() => 'SELECT ? AS i, ? AS t, ? AS a, ? AS s, ? AS p').join(' UNION ALL ');
      const params: SqlParam[] = chunk.flatMap((event, i) => [event.instance_id, event.aggregate_type, event.aggregate_id, Number(event.sequence), first + start + i]);
      tx.write(`UPDATE events e JOIN (${values}) v ON e.instance_id = v.i AND e.aggregate_type = v.t AND e.aggregate_id = v.a AND e.sequence = v.s SET e.position = v.p`, params);
      if (this.publishing) tx.write(`INSERT INTO event_outbox (position) VALUES ${chunk.map(() => '(?)').join(', ')}`, chunk.map((_, i) => first + start + i));
    }
    tx.write('UPDATE event_positions SET last_position = ? WHERE id = 1', [first + ordered.length - 1]);
    return ordered.length;
  }
}

/**
 * The order positions are given in: by the time each event was stored, except that within one
 * aggregate the sequence decides (the writers' clocks may differ a little).
 */
export function inPositionOrder<T extends PendingEvent>(pending: T[]): T[] {
  const byTime = [...pending].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  const slots = new Map<string, number[]>();
  byTime.forEach((event, slot) => {
    const key = `${event.instance_id}/${event.aggregate_type}/${event.aggregate_id}`;
    const taken = slots.get(key);
    if (taken) taken.push(slot);
    else slots.set(key, [slot]);
  });
  const ordered = new Array<T>(byTime.length);
  for (const aggregateSlots of slots.values()) {
    const events = aggregateSlots.map((slot) => byTime[slot]).sort((a, b) => Number(a.sequence) - Number(b.sequence));
    aggregateSlots.forEach((slot, i) => (ordered[slot] = events[i]));
  }
  return ordered;
}
