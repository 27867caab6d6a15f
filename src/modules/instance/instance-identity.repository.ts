import { Injectable } from '@nestjs/common';
import { toSqlTime } from '../../common/database/sql-time.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';

const SLOT = 1;

@Injectable()
export class InstanceIdentityRepository {
  async find(tx: SqlTransaction): Promise<string | undefined> {
    const [row] = await tx.read<{ instance_id: string }>('SELECT instance_id FROM instance_identity WHERE slot = ?', [SLOT]);
    return row?.instance_id;
  }

  /** Fails on the primary key when another process stored an identity first. */
  insert(tx: SqlTransaction, instanceId: string, createdAt: Date): void {
    tx.write('INSERT INTO instance_identity (slot, instance_id, created_at) VALUES (?, ?, ?)', [SLOT, instanceId, toSqlTime(createdAt)]);
  }
}
