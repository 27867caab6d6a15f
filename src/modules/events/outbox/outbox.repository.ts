import { Injectable } from '@nestjs/common';
import { SqlDatabase } from '../../../common/database/sql-database.js';
import { EVENT_COLUMNS, toStoredEvent } from '../event-rows.js';
import { StoredEvent } from '../stored-event.js';

const RELAY_LEASE = 'relay';

/** The outbox of unpublished events and the lease that lets one process publish them. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** The oldest unpublished events, in position order. */
  async next(limit: number): Promise<StoredEvent[]> {
    const rows = await this.db.read(`SELECT ${EVENT_COLUMNS} FROM event_outbox o JOIN events e ON e.position = o.position ORDER BY o.position LIMIT ${Math.trunc(limit)}`);
    return rows.map(toStoredEvent);
  }

  /**
   * Forgets every waiting event up to `position`. Positions become visible in commit order, so
   * no event at or below a published one can still arrive.
   */
  async removeThrough(position: number): Promise<void> {
    await this.db.execute('DELETE FROM event_outbox WHERE position <= ?', [position]);
  }

  async backlog(): Promise<number> {
    const [row] = await this.db.read<{ waiting: number | string }>('SELECT COUNT(*) AS waiting FROM event_outbox');
    return Number(row?.waiting ?? 0);
  }

  /**
   * Takes or renews the relay lease for `holder` until `until` (epoch ms): granted when the lease
   * is free, expired at `now`, or already the holder's.
   */
  async claimLease(holder: string, now: number, until: number): Promise<boolean> {
    const { affectedRows } = await this.db.execute('UPDATE outbox_lease SET holder = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)', [
      holder,
      until,
      RELAY_LEASE,
      holder,
      now,
    ]);
    return affectedRows === 1;
  }

  /** Gives the lease up at once, so another process takes over without waiting for it to expire. */
  async releaseLease(holder: string): Promise<void> {
    await this.db.execute("UPDATE outbox_lease SET holder = '', expires_at = 0 WHERE name = ? AND holder = ?", [RELAY_LEASE, holder]);
  }
}
