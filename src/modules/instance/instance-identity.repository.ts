import { Injectable } from '@nestjs/common';
import { Transaction } from '../../common/database/transaction.js';
import { InstanceIdentityEntity } from './instance-identity.entity.js';

const SLOT = 1;

@Injectable()
export class InstanceIdentityRepository {
  async find(tx: Transaction): Promise<string | undefined> {
    const row = await tx.findOne(InstanceIdentityEntity, { where: { slot: SLOT } });
    return row?.instanceId;
  }

  /** Fails on the primary key when another process stored an identity first. */
  async insert(tx: Transaction, instanceId: string, createdAt: Date): Promise<void> {
    await tx.insert(InstanceIdentityEntity, { slot: SLOT, instanceId, createdAt });
  }
}
