import { Injectable } from '@nestjs/common';
import { Transaction } from '../../common/database/transaction.js';
import { EventEntity } from './event.entity.js';
import { AggregateRef, EventDraft, StoredEvent } from './stored-event.js';

/**
 * Appends events inside the caller's transaction with the aggregate's next sequences. Two
 * writers that read the same last sequence collide on the unique key; the transaction runner
 * then runs the losing command again.
 */
@Injectable()
export class EventStoreRepository {
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
    return stored;
  }
}
