import { Entity, PrimaryColumn } from 'typeorm';

/**
 * An event not yet accepted by the message bus: written in the transaction that appends the
 * event, deleted once the broker has acknowledged it.
 */
@Entity({ name: 'event_outbox' })
export class OutboxEntryEntity {
  /** The event's global position (`events.position`). */
  @PrimaryColumn({ name: 'position', type: 'bigint', unsigned: true })
  position: string | number;
}
