import { Injectable } from '@nestjs/common';
import { orgNotFound } from '../../common/errors/org-not-found.js';
import { newNumericId } from '../../common/ids/numeric-id.js';
import { EventStore } from '../events/event-store.service.js';
import { InstanceService } from '../instance/instance.service.js';
import { LoginPolicyEvents } from '../login-policy/login-policy.events.js';
import { ChangeDetails } from '../login-policy/login-policy.model.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { ORG_LEVEL, orgOwner } from '../login-policy/policy-level.js';
import { NO_CONDITIONS, WriteConditions } from '../../common/api/write-conditions.js';
import { OrgErrors } from './org.errors.js';
import { OrgEvents } from './org.events.js';
import { Org } from './org.model.js';
import { OrgRepository } from './org.repository.js';

export interface OrgPage {
  offset: number;
  limit: number;
  asc: boolean;
}

/** The org registry: create, read, list and remove orgs (events `org.added`, `org.removed`). */
@Injectable()
export class OrgService {
  constructor(
    private readonly store: EventStore,
    private readonly orgs: OrgRepository,
    private readonly instance: InstanceService,
    private readonly policies: LoginPolicyService,
  ) {}

  /** Creates an org; surrounding white space of the name is not kept. A dry run answers an id that the real call will not get (each call draws one). */
  addOrg(rawName: string, creator: string, conditions: WriteConditions = NO_CONDITIONS): Promise<{ id: string; details: ChangeDetails }> {
    if (conditions.expectedSequence !== undefined) throw OrgErrors.nothingToExpect();
    const name = rawName.trim();
    const instanceId = this.instance.id;
    return this.store.transaction(async (tx) => {
      // a new id on every attempt: a retry after an id collision gets another one
      const id = newNumericId();
      const [event] = this.store.append(tx, { aggregate: { instanceId, type: 'org', id }, sequence: 0 }, [OrgEvents.added(name)], creator);
      this.orgs.insert(tx, instanceId, id, name, event);
      return { id, details: { sequence: event.sequence, creationDate: event.createdAt, changeDate: event.createdAt, resourceOwner: id } };
    }, { dryRun: conditions.validateOnly });
  }

  /** An active org; unknown and removed orgs are both 404 `Org-n0tFd`. */
  async getOrg(orgId: string): Promise<Org> {
    const org = await this.orgs.find(this.instance.id, orgId);
    if (org?.state !== 'active') throw orgNotFound();
    return org;
  }

  async listOrgs(page: OrgPage): Promise<{ orgs: Org[]; total: number; lastPosition: number; viewedAt: Date }> {
    const { orgs, total } = await this.orgs.listActive(this.instance.id, page);
    return { orgs, total, lastPosition: await this.store.lastPosition(), viewedAt: new Date() };
  }

  /** Marks the org removed and drops its custom login policy, in one transaction; a precondition compares the org's sequence (its `details.sequence`). */
  removeOrg(orgId: string, creator: string, conditions: WriteConditions = NO_CONDITIONS): Promise<ChangeDetails> {
    const instanceId = this.instance.id;
    const owner = orgOwner(instanceId, orgId);
    return this.store.transaction(async (tx) => {
      const { org, streamSequence } = await this.orgs.commandState(tx, instanceId, orgId);
      if (org?.state !== 'active') throw orgNotFound();
      if (conditions.expectedSequence !== undefined && conditions.expectedSequence !== org.sequence) throw OrgErrors.sequenceMoved(org.sequence, conditions.expectedSequence);
      const hasPolicy = await this.policies.hasOwnPolicy(tx, owner);
      const drafts = hasPolicy ? [LoginPolicyEvents.removed(ORG_LEVEL), OrgEvents.removed()] : [OrgEvents.removed()];
      const events = this.store.append(tx, { aggregate: { instanceId, type: 'org', id: orgId }, sequence: streamSequence }, drafts, creator);
      if (hasPolicy) this.policies.deleteOwnPolicy(tx, owner);
      const removed = events[events.length - 1];
      this.orgs.setState(tx, instanceId, orgId, 'removed', removed);
      return { sequence: removed.sequence, changeDate: removed.createdAt, resourceOwner: orgId };
    }, { dryRun: conditions.validateOnly });
  }
}
