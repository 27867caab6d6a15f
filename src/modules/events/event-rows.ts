import { fromSqlTime } from '../../common/database/sql-time.js';
import { SqlRow } from '../../common/database/sql.js';
import { AggregateType, StoredEvent } from './stored-event.js';

/** The columns of an event, for `SELECT ${EVENT_COLUMNS} FROM events e`. */
export const EVENT_COLUMNS = 'e.position, e.instance_id, e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.payload, e.creator, e.resource_owner, e.created_at';

export function toStoredEvent(row: SqlRow): StoredEvent {
  return {
    position: Number(row.position),
    instanceId: String(row.instance_id),
    aggregateType: row.aggregate_type as AggregateType,
    aggregateId: String(row.aggregate_id),
    sequence: Number(row.sequence),
    type: String(row.event_type),
    payload: JSON.parse(String(row.payload)) as Record<string, unknown>,
    creator: String(row.creator),
    resourceOwner: String(row.resource_owner),
    createdAt: fromSqlTime(row.created_at),
  };
}
