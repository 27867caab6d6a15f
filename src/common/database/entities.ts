import { EventEntity } from '../../modules/events/event.entity.js';
import { OutboxEntryEntity } from '../../modules/events/outbox/outbox-entry.entity.js';
import { OutboxLeaseEntity } from '../../modules/events/outbox/outbox-lease.entity.js';
import { InstanceIdentityEntity } from '../../modules/instance/instance-identity.entity.js';
import { LoginPolicyFactorEntity } from '../../modules/login-policy/login-policy-factor.entity.js';
import { LoginPolicyEntity } from '../../modules/login-policy/login-policy.entity.js';
import { OrgEntity } from '../../modules/orgs/org.entity.js';

/** Every persistence model; the migrations define their tables. */
export const ENTITIES = [EventEntity, InstanceIdentityEntity, LoginPolicyEntity, LoginPolicyFactorEntity, OrgEntity, OutboxEntryEntity, OutboxLeaseEntity];
