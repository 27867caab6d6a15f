import { Injectable } from '@nestjs/common';
import { Transaction } from '../../../common/database/transaction.js';
import { EventEntity } from '../event.entity.js';
import { toStoredEvent } from '../event-store.repository.js';
import { StoredEvent } from '../stored-event.js';
import { OutboxEntryEntity } from './outbox-entry.entity.js';
import { OutboxLeaseEntity } from './outbox-lease.entity.js';

const RELAY_LEASE = 'relay';

/** The outbox of unpublished events and the lease that lets one process publish them. */
@Injectable()
export class OutboxRepository {
  /** The oldest unpublished events, in position order. */
  async next(tx: Transaction, limit: number): Promise<StoredEvent[]> {
    const rows = await tx
      .createQueryBuilder(EventEntity, 'event')
      .innerJoin(OutboxEntryEntity, 'outbox', 'outbox.position = event.position')
      .orderBy('event.position', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(toStoredEvent);
  }

  async remove(tx: Transaction, positions: number[]): Promise<void> {
    if (positions.length > 0) await tx.createQueryBuilder().delete().from(OutboxEntryEntity).where('position IN (:...positions)', { positions }).execute();
  }

  async backlog(tx: Transaction): Promise<number> {
    return tx.count(OutboxEntryEntity);
  }

  /**
   * Takes or renews the relay lease for `holder` until `until` (epoch ms): granted when the lease
   * is free, expired at `now`, or already the holder's.
   */
  async claimLease(tx: Transaction, holder: string, now: number, until: number): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(OutboxLeaseEntity)
      .set({ holder, expiresAt: until })
      .where('name = :name', { name: RELAY_LEASE })
      .andWhere('(holder = :holder OR expires_at < :now)', { holder, now })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Gives the lease up at once, so another process takes over without waiting for it to expire. */
  async releaseLease(tx: Transaction, holder: string): Promise<void> {
    await tx.createQueryBuilder().update(OutboxLeaseEntity).set({ holder: '', expiresAt: 0 }).where('name = :name AND holder = :holder', { name: RELAY_LEASE, holder }).execute();
  }
}
