import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Who may publish the outbox right now. One process at a time holds the lease, so events leave
 * in position order, whatever number of processes share the database.
 */
@Entity({ name: 'outbox_lease' })
export class OutboxLeaseEntity {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 64 })
  name: string;

  /** The holding process ('' when free). */
  @Column({ name: 'holder', type: 'varchar', length: 64 })
  holder: string;

  /** Epoch milliseconds after which another process may take the lease. */
  @Column({ name: 'expires_at', type: 'bigint' })
  expiresAt: string | number;
}
