import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Projection: one row per org, kept (state `removed`) after RemoveOrg. */
@Entity({ name: 'orgs' })
export class OrgEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 })
  instanceId: string;

  @PrimaryColumn({ name: 'id', type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  /** `active` or `removed`. */
  @Column({ name: 'state', type: 'varchar', length: 16 })
  state: string;

  @Column({ name: 'sequence', type: 'bigint', unsigned: true })
  sequence: string | number;

  @Column({ name: 'creation_date', type: 'datetime', precision: 3 })
  creationDate: Date;

  @Column({ name: 'change_date', type: 'datetime', precision: 3 })
  changeDate: Date;
}
