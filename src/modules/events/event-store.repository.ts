import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { Transaction } from '../../common/database/transaction.js';
import { EventEntity } from './event.entity.js';
import { OutboxEntryEntity } from './outbox/outbox-entry.entity.js';
import { EventFilter } from './event-filter.js';
import { AggregateRef, AggregateType, EventDraft, StoredEvent } from './stored-event.js';

/**
 * Appends events inside the caller's transaction with the aggregate's next sequences. Two
 * writers that read the same last sequence collide on the unique key; the transaction runner
 * then runs the losing command again. With a message bus configured, each event also enters the
 * outbox in the same transaction, so it is published if and only if it is stored.
 */
@Injectable()
export class EventStoreRepository {
  private readonly publishing: boolean;

  constructor(config: AppConfig) {
    this.publishing = config.bus.transport !== 'none';
  }

  async append(tx: Transaction, aggregate: AggregateRef, drafts: EventDraft[], creator: string): Promise<StoredEvent[]> {
    const last = await tx
      .createQueryBuilder(EventEntity, 'event')
      .select('MAX(event.sequence)', 'last')
      .where('event.instanceId = :instanceId', { instanceId: aggregate.instanceId })
      .andWhere('event.aggregateType = :type', { type: aggregate.type })
      .andWhere('event.aggregateId = :id', { id: aggregate.id })
      .getRawOne<{ last: string | number | null }>();
    let sequence = Number(last?.last ?? 0);
    const createdAt = new Date();
    const stored: StoredEvent[] = [];
    for (const draft of drafts) {
      sequence += 1;
      const row = {
        instanceId: aggregate.instanceId,
        aggregateType: aggregate.type,
        aggregateId: aggregate.id,
        sequence,
        eventType: draft.type,
        payload: JSON.stringify(draft.payload),
        creator,
        resourceOwner: aggregate.id,
        createdAt,
      };
      const result = await tx.insert(EventEntity, row);
      const position = Number(result.identifiers[0]?.position ?? result.raw?.insertId);
      stored.push({
        position,
        instanceId: row.instanceId,
        aggregateType: aggregate.type,
        aggregateId: aggregate.id,
        sequence,
        type: draft.type,
        payload: draft.payload,
        creator,
        resourceOwner: row.resourceOwner,
        createdAt,
      });
    }
    if (this.publishing) await tx.insert(OutboxEntryEntity, stored.map((event) => ({ position: event.position })));
    return stored;
  }

  /** Position of the newest event of the instance (0 when there is none). */
  async lastPosition(tx: Transaction, instanceId: string): Promise<number> {
    const row = await tx
      .createQueryBuilder(EventEntity, 'event')
      .select('MAX(event.position)', 'last')
      .where('event.instanceId = :instanceId', { instanceId })
      .getRawOne<{ last: string | number | null }>();
    return Number(row?.last ?? 0);
  }

  /** Events of the instance matching `filter`, in position order (ascending or descending). */
  async query(tx: Transaction, instanceId: string, filter: EventFilter): Promise<StoredEvent[]> {
    const query = tx.createQueryBuilder(EventEntity, 'event').where('event.instanceId = :instanceId', { instanceId });
    const after = filter.asc ? '>' : '<';
    if (filter.aggregateTypes.length > 0) query.andWhere('event.aggregateType IN (:...types)', { types: filter.aggregateTypes });
    if (filter.aggregateId !== undefined) query.andWhere('event.aggregateId = :aggregateId', { aggregateId: filter.aggregateId });
    if (filter.eventTypes.length > 0) query.andWhere('event.eventType IN (:...eventTypes)', { eventTypes: filter.eventTypes });
    if (filter.sequence !== undefined) query.andWhere(`event.sequence ${after} :sequence`, { sequence: filter.sequence });
    if (filter.position !== undefined) query.andWhere(`event.position ${after} :position`, { position: filter.position });
    const rows = await query.orderBy('event.position', filter.asc ? 'ASC' : 'DESC').take(filter.limit).getMany();
    return rows.map(toStoredEvent);
  }
}

export function toStoredEvent(row: EventEntity): StoredEvent {
  return {
    position: Number(row.position),
    instanceId: row.instanceId,
    aggregateType: row.aggregateType as AggregateType,
    aggregateId: row.aggregateId,
    sequence: Number(row.sequence),
    type: row.eventType,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    creator: row.creator,
    resourceOwner: row.resourceOwner,
    createdAt: row.createdAt,
  };
}
