import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** One row of the event log. `(instanceId, aggregateType, aggregateId, sequence)` is unique. */
@Entity({ name: 'events' })
// the optimistic-concurrency guard: two writers cannot both append sequence N to one aggregate
@Unique('uq_events_aggregate_sequence', ['instanceId', 'aggregateType', 'aggregateId', 'sequence'])
@Index('ix_events_event_type', ['instanceId', 'eventType', 'position'])
export class EventEntity {
  /** Global order of all events, from `event_positions` at commit (SQLite keeps its AUTOINCREMENT column, always given a value). */
  @PrimaryColumn({ name: 'position', type: 'bigint', unsigned: true })
  position: string | number;

  @Column({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @Column({ name: 'aggregate_type', type: 'varchar', length: 32 })
  aggregateType: string;

  @Column({ name: 'aggregate_id', type: 'varchar', length: 32 })
  aggregateId: string;

  @Column({ name: 'sequence', type: 'bigint', unsigned: true })
  sequence: string | number;

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
