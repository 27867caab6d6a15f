import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../common/config/app-config.js';
import { ConfigError } from '../../common/config/config-error.js';
import { TransactionRunner } from '../../common/database/transaction-runner.service.js';
import { newNumericId } from '../../common/ids/numeric-id.js';
import { EventStoreRepository } from '../events/event-store.repository.js';
import { SEED_FACTORS, SEED_SETTINGS } from '../login-policy/login-policy.model.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { INSTANCE_LEVEL, PolicyOwner, orgOwner } from '../login-policy/policy-level.js';
import { InstanceIdentityRepository } from './instance-identity.repository.js';

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
    private readonly transactions: TransactionRunner,
    private readonly identities: InstanceIdentityRepository,
    private readonly events: EventStoreRepository,
    private readonly policies: LoginPolicyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.instanceId = await this.transactions.run(async (tx) => {
      const stored = await this.identities.find(tx);
      if (stored !== undefined) return stored;
      const id = this.config.instanceId ?? newNumericId();
      const now = new Date();
      await this.identities.insert(tx, id, now);
      await this.events.append(tx, { instanceId: id, type: 'instance', id }, [{ type: 'instance.added', payload: {} }], SYSTEM_CREATOR);
      await this.policies.createPolicy(tx, this.ownerFor(id), SEED_SETTINGS, SEED_FACTORS, SYSTEM_CREATOR);
      this.logger.log(`instance ${id} created with the default login policy`);
      return id;
    });
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
