import { Injectable } from '@nestjs/common';
import { Transaction } from '../../common/database/transaction.js';
import { TransactionRunner } from '../../common/database/transaction-runner.service.js';
import { EventStoreRepository } from '../events/event-store.repository.js';
import { EventDraft, StoredEvent } from '../events/stored-event.js';
import { LoginPolicyEvents } from './login-policy-events.js';
import { LoginPolicyErrors } from './login-policy.errors.js';
import {
  ChangeDetails,
  FactorKind,
  FactorLists,
  LoginPolicySettings,
  LoginPolicyState,
  SETTING_NAMES,
} from './login-policy.model.js';
import { LoginPolicyRepository } from './login-policy.repository.js';
import { ORG_LEVEL, PolicyOwner, aggregateOf, defaultOwnerOf } from './policy-level.js';

/** A factor list as read: the types in order of adding, and the state of the policy read. */
export interface FactorListView {
  types: number[];
  sequence: number;
  changeDate: Date;
}

/**
 * The login-policy core, written once for the instance default and org custom policies. Every
 * command is one transaction: read the policy, check, append events, update the projections.
 *
 * An org without a custom policy follows the instance default. A factor change on such an org
 * first copies the current default into a custom policy (copy-on-write), in the same transaction,
 * so the change is real and visible (ZITADEL would accept it and keep showing the default).
 */
@Injectable()
export class LoginPolicyService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly policies: LoginPolicyRepository,
    private readonly events: EventStoreRepository,
  ) {}

  /** The owner's policy, or for an org without one, the instance default (`isDefault: true`). */
  getPolicy(owner: PolicyOwner): Promise<LoginPolicyState> {
    return this.transactions.run((tx) => this.effective(tx, owner));
  }

  /** The instance default, whoever asks. */
  getDefaultPolicy(owner: PolicyOwner): Promise<LoginPolicyState> {
    return this.transactions.run((tx) => this.require(tx, defaultOwnerOf(owner)));
  }

  async listFactors(owner: PolicyOwner, kind: FactorKind): Promise<FactorListView> {
    const policy = await this.getPolicy(owner);
    return { types: policy.factors[kind], sequence: policy.sequence, changeDate: policy.changeDate };
  }

  addFactor(owner: PolicyOwner, kind: FactorKind, type: number, creator: string): Promise<ChangeDetails> {
    return this.transactions.run(async (tx) => {
      const policy = await this.own(tx, owner, creator);
      if (policy.factors[kind].includes(type)) throw LoginPolicyErrors.factorAlreadyExists(owner.level, kind);
      const [event] = await this.append(tx, owner, [LoginPolicyEvents.factorAdded(owner.level, kind, type)], creator);
      await this.policies.addFactor(tx, owner, kind, type, event);
      return { sequence: event.sequence, creationDate: event.createdAt, changeDate: event.createdAt, resourceOwner: event.resourceOwner };
    });
  }

  removeFactor(owner: PolicyOwner, kind: FactorKind, type: number, creator: string): Promise<ChangeDetails> {
    return this.transactions.run(async (tx) => {
      // an org whose effective policy lacks the factor gets 404 without a copy being made
      const effective = await this.effective(tx, owner);
      if (!effective.factors[kind].includes(type)) throw LoginPolicyErrors.factorNotFound(owner.level, kind);
      await this.own(tx, owner, creator);
      const [event] = await this.append(tx, owner, [LoginPolicyEvents.factorRemoved(owner.level, kind, type)], creator);
      await this.policies.removeFactor(tx, owner, kind, type, event);
      return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner };
    });
  }

  /** Replaces the settings (never the factors); refuses a request that changes nothing. */
  updateSettings(owner: PolicyOwner, settings: LoginPolicySettings, creator: string): Promise<ChangeDetails> {
    return this.transactions.run(async (tx) => {
      const policy = await this.require(tx, owner);
      const changes = changedSettings(policy.settings, settings);
      if (Object.keys(changes).length === 0) throw LoginPolicyErrors.notChanged(owner.level);
      const [event] = await this.append(tx, owner, [LoginPolicyEvents.changed(owner.level, changes)], creator);
      await this.policies.updateSettings(tx, owner, changes, event);
      return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner };
    });
  }

  /** An org's own policy with exactly the given settings and factors (no copy of the default). */
  addCustomPolicy(owner: PolicyOwner, settings: LoginPolicySettings, factors: FactorLists, creator: string): Promise<ChangeDetails> {
    return this.transactions.run(async (tx) => {
      if (await this.policies.find(tx, owner)) throw LoginPolicyErrors.customPolicyExists();
      const events = await this.createPolicy(tx, owner, settings, factors, creator);
      const last = events[events.length - 1];
      return { sequence: last.sequence, creationDate: events[0].createdAt, changeDate: last.createdAt, resourceOwner: last.resourceOwner };
    });
  }

  /** Drops an org's custom policy: it follows the instance default again. */
  resetToDefault(owner: PolicyOwner, creator: string): Promise<ChangeDetails> {
    return this.transactions.run(async (tx) => {
      const event = await this.dropPolicy(tx, owner, creator);
      if (!event) throw LoginPolicyErrors.noCustomPolicyToReset();
      return { sequence: event.sequence, changeDate: event.createdAt, resourceOwner: event.resourceOwner };
    });
  }

  /** Inside the caller's transaction: removes the owner's policy if it has one; the event, or undefined. */
  async dropPolicy(tx: Transaction, owner: PolicyOwner, creator: string): Promise<StoredEvent | undefined> {
    if (!(await this.policies.find(tx, owner))) return undefined;
    const [event] = await this.append(tx, owner, [LoginPolicyEvents.removed(owner.level)], creator);
    await this.policies.delete(tx, owner);
    return event;
  }

  /**
   * Creates a policy inside the caller's transaction: the `policy.login.added` event with the
   * settings, then one factor-added event per distinct factor. Returns the events in order.
   */
  async createPolicy(
    tx: Transaction,
    owner: PolicyOwner,
    settings: LoginPolicySettings,
    factors: FactorLists,
    creator: string,
  ): Promise<StoredEvent[]> {
    const drafts: EventDraft[] = [LoginPolicyEvents.added(owner.level, settings)];
    for (const kind of ['second', 'multi'] as const) {
      for (const type of new Set(factors[kind])) drafts.push(LoginPolicyEvents.factorAdded(owner.level, kind, type));
    }
    const [added, ...factorEvents] = await this.append(tx, owner, drafts, creator);
    await this.policies.insert(tx, owner, settings, added);
    for (const event of factorEvents) {
      const kind: FactorKind = event.type.includes('.secondfactor.') ? 'second' : 'multi';
      await this.policies.addFactor(tx, owner, kind, event.payload.mfaType as number, event);
    }
    return [added, ...factorEvents];
  }

  private async effective(tx: Transaction, owner: PolicyOwner): Promise<LoginPolicyState> {
    const own = await this.policies.find(tx, owner);
    if (own) return own;
    if (owner.level !== ORG_LEVEL) throw LoginPolicyErrors.policyNotFound(owner.level);
    return this.require(tx, defaultOwnerOf(owner));
  }

  /** The owner's own policy; an org without one gets a copy of the current default first. */
  private async own(tx: Transaction, owner: PolicyOwner, creator: string): Promise<LoginPolicyState> {
    const policy = await this.policies.find(tx, owner);
    if (policy) return policy;
    if (owner.level !== ORG_LEVEL) throw LoginPolicyErrors.policyNotFound(owner.level);
    const template = await this.require(tx, defaultOwnerOf(owner));
    await this.createPolicy(tx, owner, template.settings, template.factors, creator);
    return this.require(tx, owner);
  }

  private async require(tx: Transaction, owner: PolicyOwner): Promise<LoginPolicyState> {
    const policy = await this.policies.find(tx, owner);
    if (!policy) throw LoginPolicyErrors.policyNotFound(owner.level);
    return policy;
  }

  private append(tx: Transaction, owner: PolicyOwner, drafts: EventDraft[], creator: string): Promise<StoredEvent[]> {
    return this.events.append(tx, aggregateOf(owner), drafts, creator);
  }
}

function changedSettings(current: LoginPolicySettings, next: LoginPolicySettings): Partial<LoginPolicySettings> {
  const changes: Partial<Record<keyof LoginPolicySettings, unknown>> = {};
  for (const name of SETTING_NAMES) {
    if (current[name] !== next[name]) changes[name] = next[name];
  }
  return changes as Partial<LoginPolicySettings>;
}
