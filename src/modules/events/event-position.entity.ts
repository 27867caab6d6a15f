import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row (id 1) that hands out global event positions, in commit order. */
@Entity({ name: 'event_positions' })
export class EventPositionEntity {
  @PrimaryColumn({ name: 'id', type: 'tinyint', unsigned: true })
  id: number;

  /** The highest position handed out. */
  @Column({ name: 'last_position', type: 'bigint', unsigned: true })
  lastPosition: string | number;
}
