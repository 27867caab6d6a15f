import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { ConfigError } from '../../common/config/config-error.js';
import { newNumericId } from '../../common/ids/numeric-id.js';
import { EventStore } from '../events/event-store.service.js';
import { SEED_SETTINGS } from '../login-policy/login-policy-settings.js';
import { SEED_FACTORS } from '../login-policy/login-policy.model.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { INSTANCE_LEVEL, PolicyOwner, orgOwner } from '../login-policy/policy-level.js';
import { InstanceIdentityRepository } from './instance-identity.repository.js';
import { InstanceEvents } from './instance.events.js';

/** The creator recorded on events the service writes on its own (the seed). */
export const SYSTEM_CREATOR = 'SYSTEM';

/**
 * Knows which instance this database belongs to. On the first start it stores the instance id
 * (INSTANCE_ID, or a generated one) and seeds the default login policy, in one transaction, so
 * several processes starting together on an empty database agree on one instance.
 */
@Injectable()
export class InstanceService implements OnApplicationBootstrap {
  private readonly logger = new Logger(InstanceService.name);
  private instanceId?: string;

  constructor(
    private readonly config: AppConfig,
    private readonly store: EventStore,
    private readonly identities: InstanceIdentityRepository,
    private readonly policies: LoginPolicyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { id: instanceId, created } = await this.store.transaction(async (tx) => {
      const stored = await this.identities.find(tx);
      if (stored !== undefined) return { id: stored, created: false };
      const id = this.config.instanceId ?? newNumericId();
      this.identities.insert(tx, id, new Date());
      const stream = { aggregate: { instanceId: id, type: 'instance' as const, id }, sequence: 0 };
      const added = this.store.append(tx, stream, [InstanceEvents.added()], SYSTEM_CREATOR);
      this.policies.createPolicy(tx, this.ownerFor(id), EventStore.after(stream, added), SEED_SETTINGS, SEED_FACTORS, SYSTEM_CREATOR);
      return { id, created: true };
    });
    this.instanceId = instanceId;
    if (created) this.logger.log(`instance ${instanceId} created with the default login policy`);
    if (this.config.instanceId !== undefined && this.config.instanceId !== this.instanceId) {
      throw new ConfigError(
        `INSTANCE_ID is ${this.config.instanceId} but the database belongs to instance ${this.instanceId}; unset INSTANCE_ID or use that id`,
      );
    }
  }

  get id(): string {
    if (this.instanceId === undefined) throw new Error('the instance is not known before the application has started');
    return this.instanceId;
  }

  /** The owner of the instance default login policy. */
  defaultPolicyOwner(): PolicyOwner {
    return this.ownerFor(this.id);
  }

  /** The owner of an org's login policy in this instance. */
  orgPolicyOwner(orgId: string): PolicyOwner {
    return orgOwner(this.id, orgId);
  }

  private ownerFor(instanceId: string): PolicyOwner {
    return { level: INSTANCE_LEVEL, instanceId, ownerId: instanceId };
  }
}
