import { DEFAULT_LIST_LIMIT } from '../../common/proto/list-query.dto.js';
import { timestamp, uint64 } from '../../common/proto/wire-format.js';
import { EventMessage, ListEventsRequest } from './dto/list-events.dto.js';
import { EventFilter } from './event-filter.js';
import { AggregateType, StoredEvent } from './stored-event.js';

/** The one wire shape of an event (ListEvents and, later, the bus). */
export function toEventMessage(event: StoredEvent): EventMessage {
  return {
    id: uint64(event.position),
    instanceId: event.instanceId,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    sequence: uint64(event.sequence),
    position: uint64(event.position),
    type: event.type,
    payload: event.payload,
    creator: event.creator,
    createdAt: timestamp(event.createdAt),
  };
}

/** The filter a validated ListEvents request asks for; 0 and absent mean "not set", as in proto3. */
export function toEventFilter(request: ListEventsRequest): EventFilter {
  const positive = (value: string | number | undefined) => (Number(value ?? 0) > 0 ? Number(value) : undefined);
  return {
    aggregateTypes: (request.aggregateTypes ?? []) as AggregateType[],
    aggregateId: request.aggregateId || undefined,
    eventTypes: request.eventTypes ?? [],
    sequence: positive(request.sequence),
    position: positive(request.position),
    limit: positive(request.limit) ?? DEFAULT_LIST_LIMIT,
    asc: request.asc ?? false,
  };
}
