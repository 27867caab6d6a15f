import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row of the event log. `(instanceId, aggregateType, aggregateId, sequence)` is the key: two
 * writers cannot both append sequence N to one aggregate. (SQLite keeps its earlier table: an
 * AUTOINCREMENT `position` key, always given a value, and this key as a unique constraint.)
 */
@Entity({ name: 'events' })
@Index('uq_events_position', ['position'], { unique: true })
@Index('ix_events_event_type', ['instanceId', 'eventType', 'position'])
export class EventEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @PrimaryColumn({ name: 'aggregate_type', type: 'varchar', length: 32 })
  aggregateType: string;

  @PrimaryColumn({ name: 'aggregate_id', type: 'varchar', length: 32 })
  aggregateId: string;

  @PrimaryColumn({ name: 'sequence', type: 'bigint', unsigned: true })
  sequence: string | number;

  /** Global order of all events, given in commit order (null on MySQL until the event sequencer got to the event). */
  @Column({ name: 'position', type: 'bigint', unsigned: true, nullable: true })
  position: string | number | null;

  @Column({ name: 'event_type', type: 'varchar', length: 128 })
  eventType: string;

  /** JSON text. */
  @Column({ name: 'payload', type: 'text' })
  payload: string;

  @Column({ name: 'creator', type: 'varchar', length: 255 })
  creator: string;

  @Column({ name: 'resource_owner', type: 'varchar', length: 32 })
  resourceOwner: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
