import { Injectable } from '@nestjs/common';
import { Transaction } from '../../common/database/transaction.js';
import { StoredEvent } from '../events/stored-event.js';
import { OrgEntity } from './org.entity.js';
import { Org, OrgState } from './org.model.js';

@Injectable()
export class OrgRepository {
  async find(tx: Transaction, instanceId: string, id: string): Promise<Org | undefined> {
    const row = await tx.findOne(OrgEntity, { where: { instanceId, id } });
    return row ? toOrg(row) : undefined;
  }

  /** Active orgs, ordered by creation (then id), one page. */
  async listActive(tx: Transaction, instanceId: string, page: { offset: number; limit: number; asc: boolean }): Promise<{ orgs: Org[]; total: number }> {
    const direction = page.asc ? 'ASC' : 'DESC';
    const [rows, total] = await tx.findAndCount(OrgEntity, {
      where: { instanceId, state: 'active' },
      order: { creationDate: direction, id: direction },
      skip: page.offset,
      take: page.limit,
    });
    return { orgs: rows.map(toOrg), total };
  }

  async insert(tx: Transaction, instanceId: string, id: string, name: string, event: StoredEvent): Promise<void> {
    await tx.insert(OrgEntity, {
      instanceId,
      id,
      name,
      state: 'active',
      sequence: event.sequence,
      creationDate: event.createdAt,
      changeDate: event.createdAt,
    });
  }

  async setState(tx: Transaction, instanceId: string, id: string, state: OrgState, event: StoredEvent): Promise<void> {
    await tx.update(OrgEntity, { instanceId, id }, { state, sequence: event.sequence, changeDate: event.createdAt });
  }
}

function toOrg(row: OrgEntity): Org {
  return {
    id: row.id,
    name: row.name,
    state: row.state as OrgState,
    sequence: Number(row.sequence),
    creationDate: row.creationDate,
    changeDate: row.changeDate,
  };
}
