import { AggregateRef, AggregateType } from '../events/stored-event.js';

/**
 * What differs between the instance default and an org's custom policy: the owner's aggregate,
 * the error-id prefix and the event-type prefix. The core is written once against this.
 */
export interface PolicyLevel {
  aggregateType: AggregateType;
  errorPrefix: 'INSTANCE' | 'Org';
  eventPrefix: 'instance' | 'org';
}

export const INSTANCE_LEVEL: PolicyLevel = { aggregateType: 'instance', errorPrefix: 'INSTANCE', eventPrefix: 'instance' };
export const ORG_LEVEL: PolicyLevel = { aggregateType: 'org', errorPrefix: 'Org', eventPrefix: 'org' };

/** Whose policy: the instance's default (ownerId = instanceId) or one org's. */
export interface PolicyOwner {
  level: PolicyLevel;
  instanceId: string;
  ownerId: string;
}

export function aggregateOf(owner: PolicyOwner): AggregateRef {
  return { instanceId: owner.instanceId, type: owner.level.aggregateType, id: owner.ownerId };
}

/** The instance default that an org without a custom policy follows. */
export function defaultOwnerOf(owner: PolicyOwner): PolicyOwner {
  return { level: INSTANCE_LEVEL, instanceId: owner.instanceId, ownerId: owner.instanceId };
}

export function orgOwner(instanceId: string, orgId: string): PolicyOwner {
  return { level: ORG_LEVEL, instanceId, ownerId: orgId };
}
