import { Injectable } from '@nestjs/common';
import { OrgDirectory, orgNotFound } from '../../common/auth/org-directory.js';
import { TransactionRunner } from '../../common/database/transaction-runner.service.js';
import { newNumericId } from '../../common/ids/numeric-id.js';
import { EventStoreRepository } from '../events/event-store.repository.js';
import { InstanceService } from '../instance/instance.service.js';
import { ChangeDetails } from '../login-policy/login-policy.model.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { orgOwner } from '../login-policy/policy-level.js';
import { Org } from './org.model.js';
import { OrgRepository } from './org.repository.js';

export interface OrgPage {
  offset: number;
  limit: number;
  asc: boolean;
}

/** The org registry: create, read, list and remove orgs (events `org.added`, `org.removed`). */
@Injectable()
export class OrgService implements OrgDirectory {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly orgs: OrgRepository,
    private readonly events: EventStoreRepository,
    private readonly instance: InstanceService,
    private readonly policies: LoginPolicyService,
  ) {}

  /** Creates an org; surrounding white space of the name is not kept. */
  addOrg(rawName: string, creator: string): Promise<{ id: string; details: ChangeDetails }> {
    const name = rawName.trim();
    const instanceId = this.instance.id;
    const id = newNumericId();
    return this.transactions.run(async (tx) => {
      const [event] = await this.events.append(tx, { instanceId, type: 'org', id }, [{ type: 'org.added', payload: { name } }], creator);
      await this.orgs.insert(tx, instanceId, id, name, event);
      return {
        id,
        details: { sequence: event.sequence, creationDate: event.createdAt, changeDate: event.createdAt, resourceOwner: id },
      };
    });
  }

  async isActive(orgId: string): Promise<boolean> {
    const org = await this.transactions.run((tx) => this.orgs.find(tx, this.instance.id, orgId));
    return org?.state === 'active';
  }

  /** An active org; unknown and removed orgs are both 404 `Org-n0tFd`. */
  getOrg(orgId: string): Promise<Org> {
    return this.transactions.run(async (tx) => {
      const org = await this.orgs.find(tx, this.instance.id, orgId);
      if (org?.state !== 'active') throw orgNotFound();
      return org;
    });
  }

  listOrgs(page: OrgPage): Promise<{ orgs: Org[]; total: number; lastPosition: number; viewedAt: Date }> {
    return this.transactions.run(async (tx) => {
      const { orgs, total } = await this.orgs.listActive(tx, this.instance.id, page);
      const lastPosition = await this.events.lastPosition(tx, this.instance.id);
      return { orgs, total, lastPosition, viewedAt: new Date() };
    });
  }

  /** Marks the org removed and drops its custom login policy, in one transaction. */
  removeOrg(orgId: string, creator: string): Promise<ChangeDetails> {
    const instanceId = this.instance.id;
    return this.transactions.run(async (tx) => {
      const org = await this.orgs.find(tx, instanceId, orgId);
      if (org?.state !== 'active') throw orgNotFound();
      await this.policies.dropPolicy(tx, orgOwner(instanceId, orgId), creator);
      const [event] = await this.events.append(tx, { instanceId, type: 'org', id: orgId }, [{ type: 'org.removed', payload: {} }], creator);
      await this.orgs.setState(tx, instanceId, orgId, 'removed', event);
      return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: orgId };
    });
  }
}
