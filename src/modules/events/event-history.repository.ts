import { Injectable } from '@nestjs/common';
import { SqlParam } from '../../common/database/sql.js';
import { SqlDatabase } from '../../common/database/sql-database.js';
import { EventFilter } from './event-filter.js';
import { EVENT_COLUMNS, toStoredEvent } from './event-rows.js';
import { StoredEvent } from './stored-event.js';

/** Reads of the event log for ListEvents. */
@Injectable()
export class EventHistoryRepository {
  constructor(private readonly db: SqlDatabase) {}

  /** Events of the instance matching `filter`, in position order (ascending or descending). */
  async query(instanceId: string, filter: EventFilter): Promise<StoredEvent[]> {
    // on MySQL an event that committed after the sequencer's last pass has no position yet: it shows in a later call
    const where = ['e.instance_id = ?', 'e.position IS NOT NULL'];
    const params: SqlParam[] = [instanceId];
    const bound = filter.asc ? '>' : '<';
    if (filter.aggregateTypes.length > 0) {
      where.push(`e.aggregate_type IN (${placeholders(filter.aggregateTypes.length)})`);
      params.push(...filter.aggregateTypes);
    }
    if (filter.aggregateId !== undefined) {
      where.push('e.aggregate_id = ?');
      params.push(filter.aggregateId);
    }
    if (filter.eventTypes.length > 0) {
      where.push(`e.event_type IN (${placeholders(filter.eventTypes.length)})`);
      params.push(...filter.eventTypes);
    }
    if (filter.sequence !== undefined) {
      where.push(`e.sequence ${bound} ?`);
      params.push(filter.sequence);
    }
    if (filter.position !== undefined) {
      where.push(`e.position ${bound} ?`);
      params.push(filter.position);
    }
    // the limit is a validated integer (1 to 1000), written into the text: prepared LIMIT parameters differ per server
    const sql = `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.position ${filter.asc ? 'ASC' : 'DESC'} LIMIT ${Math.trunc(filter.limit)}`;
    return (await this.db.read(sql, params)).map(toStoredEvent);
  }
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
