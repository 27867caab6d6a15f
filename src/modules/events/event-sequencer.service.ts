import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { SqlRow } from '../../common/database/sql.js';
import { SqlDatabase, WriteContention } from '../../common/database/sql-database.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
import { errorText } from '../../common/errors/error-text.js';

/** How often a process looks for events other processes committed without a position. */
const IDLE_POLL_MS = 200;
/** Outbox rows per statement. */
const CHUNK = 200;

/** An event's key. */
interface EventKey {
  instance_id: string;
  aggregate_type: string;
  aggregate_id: string;
  sequence: number | string;
}

interface PendingEvent extends EventKey {
  last_position?: number | string;
  highest_position?: number | string | null;
  created_at: string;
}

const eventKey = (event: EventKey) => `${event.instance_id}/${event.aggregate_type}/${event.aggregate_id}/${Number(event.sequence)}`;

const PENDING_KEYS_SQL = 'SELECT instance_id, aggregate_type, aggregate_id, sequence FROM events WHERE position IS NULL';

/**
 * The counter row locked (its result set is not used), then, not locking, the counter, the
 * highest position stored (the end of its index) and the events without a position (one row with
 * NULL event columns when there are none). The locking transaction answers a multi-statement read
 * with its last result set.
 */
const LOCK_AND_READ_PENDING_SQL =
  'SELECT last_position FROM event_positions WHERE id = 1 FOR UPDATE; ' +
  'SELECT p.last_position, (SELECT MAX(position) FROM events) AS highest_position, e.instance_id, e.aggregate_type, e.aggregate_id, e.sequence, e.created_at ' +
  'FROM event_positions p LEFT JOIN events e ON e.position IS NULL WHERE p.id = 1';

/** One event's position, by primary key: the statement locks that row alone. */
const POSITION_SQL = 'UPDATE events SET position = ? WHERE instance_id = ? AND aggregate_type = ? AND aggregate_id = ? AND sequence = ?';

/**
 * Gives a position to events that were committed without one (MySQL). Commands take their
 * positions at commit (EventStore), but processes of the previous version stored events without
 * a position and positioned them afterwards; while such a process runs beside this one (a rolling
 * upgrade), or when one stopped before it positioned its last events, this positions them. On a
 * Galera cluster every command commits its events without one, and this positions them all.
 *
 * A sequencer transaction positions every committed event that has none, above all positions
 * given before, while holding the lock on the `event_positions` row that commands take their
 * positions from; so an event never becomes visible behind one with a higher position. Per
 * aggregate, positions follow the sequence. With a bus, the positioned events enter the outbox in
 * the same transaction. It looks every 200 ms, and before ListEvents reads.
 *
 * It locks the counter row and nothing else, and holds it for two round trips (READ COMMITTED):
 * the locking read of the counter, then in the same round trip a plain read of the events still
 * without a position (a fresh snapshot taken once the lock is held, so it sees every event
 * committed before), then the updates by primary key and the commit. Only a sequencer sets a
 * position, always under the counter lock, so the rows read cannot change before they are
 * updated. Across Galera nodes the lock is local: a pass on another node that commits while ours
 * holds the row aborts ours when its write set is applied here (brute-force abort), and one that
 * certifies first while ours is not yet applied fails ours at certification (both write the
 * counter row); so of two overlapping passes one commits, and each commits on top of the last.
 * The commands' replicated inserts of new events need no lock the pass holds.
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

  /**
   * Resolves once every event committed before the call has its position. A pass that loses to
   * other writers every time (as against another process's sequencer, which positions the same
   * events) fails only if an event the call found without a position still has none.
   */
  async catchUp(): Promise<void> {
    if (!this.active) return;
    const pending = await this.db.read<EventKey & SqlRow>(PENDING_KEYS_SQL);
    if (pending.length === 0) return;
    try {
      await this.request();
    } catch (error) {
      if (!(error instanceof WriteContention) || (await this.anyStillPending(pending))) throw error;
    }
  }

  private async anyStillPending(noted: EventKey[]): Promise<boolean> {
    const pending = new Set((await this.db.read<EventKey & SqlRow>(PENDING_KEYS_SQL)).map(eventKey));
    return noted.some((event) => pending.has(eventKey(event)));
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
    const rows = await tx.read<PendingEvent & SqlRow>(LOCK_AND_READ_PENDING_SQL);
    const pending = rows.filter((row) => row.instance_id !== null && row.instance_id !== undefined);
    if (pending.length === 0) return 0;
    const first = this.nextPosition(Number(rows[0].last_position), Number(rows[0].highest_position ?? 0));
    const ordered = inPositionOrder(pending);
    ordered.forEach((event, i) => tx.write(POSITION_SQL, [first + i, event.instance_id, event.aggregate_type, event.aggregate_id, Number(event.sequence)]));
    if (this.publishing) {
      for (let start = 0; start < ordered.length; start += CHUNK) {
        const count = Math.min(CHUNK, ordered.length - start);
        tx.write(`INSERT INTO event_outbox (position) VALUES ${Array.from({ length: count }, () => '(?)').join(', ')}`, Array.from({ length: count }, (_, i) => first + start + i));
      }
    }
    tx.write('UPDATE event_positions SET last_position = ? WHERE id = 1', [first + ordered.length - 1]);
    return ordered.length;
  }

  /**
   * The first position to give: after the counter, and never below a stored position. The counter
   * and the positions move in one transaction, so they agree; a database whose transactions once
   * landed in part (see GALERA_FRAME in transaction-frame.ts) may hold a position above the
   * counter, and positioning there would hit that position's key on every try and stop all
   * positioning (ListEvents answering 503).
   */
  private nextPosition(counter: number, highest: number): number {
    if (highest <= counter) return counter + 1;
    this.logger.error(`the position counter (${counter}) is behind the highest stored position (${highest}): positions continue above ${highest}`);
    return highest + 1;
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
