import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row that says which instance this database belongs to (slot is always 1). */
@Entity({ name: 'instance_identity' })
export class InstanceIdentityEntity {
  @PrimaryColumn({ name: 'slot', type: 'int' })
  slot: number;

  @Column({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
