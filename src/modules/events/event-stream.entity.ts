import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per aggregate: the sequence of its last event, which a command reads with its state. */
@Entity({ name: 'event_streams' })
export class EventStreamEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @PrimaryColumn({ name: 'aggregate_type', type: 'varchar', length: 32 })
  aggregateType: string;

  @PrimaryColumn({ name: 'aggregate_id', type: 'varchar', length: 32 })
  aggregateId: string;

  @Column({ name: 'sequence', type: 'bigint', unsigned: true })
  sequence: string | number;
}
