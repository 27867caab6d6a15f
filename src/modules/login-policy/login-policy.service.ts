import { Injectable } from '@nestjs/common';
import { orgNotFound } from '../../common/errors/org-not-found.js';
import { SqlTransaction } from '../../common/database/sql-transaction.js';
import { EventStore } from '../events/event-store.service.js';
import { AppendedEvent, EventDraft, EventStream } from '../events/stored-event.js';
import { LoginPolicySettings, changedSettings } from './login-policy-settings.js';
import { WriteConditions } from '../../common/api/write-conditions.js';
import { LockoutChoice, LockoutGuard } from './lockout-guard.service.js';
import { LoginPolicyErrors } from './login-policy.errors.js';
import { LoginPolicyEvents } from './login-policy.events.js';
import { ChangeDetails, FACTOR_KINDS, FactorKind, FactorLists, FactorsState, LoginPolicyState } from './login-policy.model.js';
import { AS_READ, DefaultNeeded, Found, LoginPolicyRepository, ORG_NOT_ACTIVE, PolicyCommandState, View } from './login-policy.repository.js';
import { ORG_LEVEL, PolicyOwner, aggregateOf } from './policy-level.js';

const isOrg = (owner: PolicyOwner) => owner.level === ORG_LEVEL;

/** How a command runs: the caller's write conditions (precondition, dry run) and its choice on lock-outs. */
export interface CommandOptions extends WriteConditions {
  lockout?: LockoutChoice;
}

const NO_OPTIONS: CommandOptions = Object.freeze({});

/** What a factor set changed, or would change (a dry run); empty lists when it was already so. */
export interface FactorSetChange {
  details: ChangeDetails;
  added: FactorLists;
  removed: FactorLists;
}

/**
 * The login-policy core, written once for the instance default and org custom policies.
 *
 * Reads are one indexed statement each, outside any transaction; for an org the same statement
 * says whether the org is active. Commands are one transaction each: read the state (the org, the
 * policy, the default, the aggregate's sequence), decide, append the events and write the
 * projection; a command that raced another on the same aggregate runs again on the new state.
 *
 * An org without a custom policy follows the instance default. A factor change on such an org
 * first copies the current default into a custom policy (copy-on-write), in the same transaction,
 * so the change is real and visible (ZITADEL would accept it and keep showing the default).
 */
@Injectable()
export class LoginPolicyService {
  constructor(
    private readonly store: EventStore,
    private readonly policies: LoginPolicyRepository,
    private readonly lockouts: LockoutGuard,
  ) {}

  // The reads of an org are the hot path: one promise chained on the repository's each. A read
  // answers through the caller's view of the state (its answer, made once per state read; the
  // state itself by default), so that an org's kept answer is what the caller sends.

  /** The owner's policy, or for an org without one, the instance default (`isDefault: true`). */
  getPolicy<V = LoginPolicyState>(owner: PolicyOwner, view: View<LoginPolicyState, V> = AS_READ as View<LoginPolicyState, V>): Promise<V> {
    if (isOrg(owner)) return this.policies.effectiveForOrg(owner, view).then(activeOrg);
    return this.policies.own(owner).then((policy) => view(this.existing(policy, owner)));
  }

  /** The instance default, whoever asks (an org asking must be active). */
  getDefaultPolicy<V = LoginPolicyState>(owner: PolicyOwner, view: View<LoginPolicyState, V> = AS_READ as View<LoginPolicyState, V>): Promise<V> {
    if (isOrg(owner)) return this.policies.defaultForOrg(owner, view).then(activeOrg);
    return this.policies.own(owner).then((policy) => view(this.existing(policy, owner)));
  }

  /** The factor lists the owner follows (an org without a policy of its own: the default's), as read (shared and frozen). */
  factorLists<V = FactorsState>(owner: PolicyOwner, view: View<FactorsState, V> = AS_READ as View<FactorsState, V>): Promise<V> {
    if (isOrg(owner)) return this.policies.effectiveFactorsForOrg(owner, view).then(activeOrg);
    return this.policies.ownFactors(owner).then((policy) => view(this.existing(policy, owner)));
  }

  addFactor(owner: PolicyOwner, kind: FactorKind, type: number, creator: string, options: CommandOptions = NO_OPTIONS): Promise<ChangeDetails> {
    return this.command(owner, options, async (tx, state) => {
      const { base, drafts } = this.ownOrCopy(owner, state);
      if (base.factors[kind].includes(type)) throw LoginPolicyErrors.factorAlreadyExists(owner.level, kind);
      const after = withFactors(base, kind, [...base.factors[kind], type]);
      drafts.push(LoginPolicyEvents.factorAdded(owner.level, kind, type));
      return changeOf(await this.commit(tx, owner, state, after, drafts, creator, options), true);
    });
  }

  removeFactor(owner: PolicyOwner, kind: FactorKind, type: number, creator: string, options: CommandOptions = NO_OPTIONS): Promise<ChangeDetails> {
    return this.command(owner, options, async (tx, state) => {
      // an org whose effective policy lacks the factor gets 404 without a copy being made
      if (!effectiveOf(state)?.factors[kind].includes(type)) throw LoginPolicyErrors.factorNotFound(owner.level, kind);
      const { base, drafts } = this.ownOrCopy(owner, state);
      const after = withFactors(base, kind, base.factors[kind].filter((t) => t !== type));
      drafts.push(LoginPolicyEvents.factorRemoved(owner.level, kind, type));
      return changeOf(await this.commit(tx, owner, state, after, drafts, creator, options), false);
    });
  }

  /**
   * Makes the factor lists exactly `wanted` (duplicates collapse, order kept): removes what is
   * not wanted, then adds what is missing, one event each; nothing at all when they are equal
   * (no event, no copy of the default). An org that follows the default gets a copy first.
   */
  setFactors(owner: PolicyOwner, wanted: FactorLists, creator: string, options: CommandOptions = NO_OPTIONS): Promise<FactorSetChange> {
    return this.command(owner, options, async (tx, state) => {
      const effective = this.existing(effectiveOf(state), owner);
      const unique = distinct(wanted);
      const added = mapKinds((kind) => unique[kind].filter((type) => !effective.factors[kind].includes(type)));
      const removed = mapKinds((kind) => effective.factors[kind].filter((type) => !unique[kind].includes(type)));
      if (FACTOR_KINDS.every((kind) => added[kind].length === 0 && removed[kind].length === 0)) {
        return { details: { sequence: effective.sequence, changeDate: effective.changeDate, resourceOwner: effective.ownerId }, added, removed };
      }
      const { base, drafts } = this.ownOrCopy(owner, state);
      const after = { ...base, factors: mapKinds((kind) => [...base.factors[kind].filter((type) => !removed[kind].includes(type)), ...added[kind]]) };
      for (const kind of FACTOR_KINDS) for (const type of removed[kind]) drafts.push(LoginPolicyEvents.factorRemoved(owner.level, kind, type));
      for (const kind of FACTOR_KINDS) for (const type of added[kind]) drafts.push(LoginPolicyEvents.factorAdded(owner.level, kind, type));
      const created = state.own === undefined;
      return { details: changeOf(await this.commit(tx, owner, state, after, drafts, creator, options), created), added, removed };
    });
  }

  /** Replaces the settings (never the factors); refuses a request that changes nothing. */
  updateSettings(owner: PolicyOwner, settings: LoginPolicySettings, creator: string, options: CommandOptions = NO_OPTIONS): Promise<ChangeDetails> {
    return this.command(owner, options, async (tx, state) => {
      const own = this.existing(state.own, owner);
      const changes = changedSettings(own.settings, settings);
      if (Object.keys(changes).length === 0) throw LoginPolicyErrors.notChanged(owner.level);
      return changeOf(await this.commit(tx, owner, state, { ...own, settings }, [LoginPolicyEvents.changed(owner.level, changes)], creator, options), false);
    });
  }

  /** An org's own policy with exactly the given settings and factors (no copy of the default). */
  addCustomPolicy(owner: PolicyOwner, settings: LoginPolicySettings, factors: FactorLists, creator: string, options: CommandOptions = NO_OPTIONS): Promise<ChangeDetails> {
    return this.command(owner, options, async (tx, state) => {
      if (state.own) throw LoginPolicyErrors.customPolicyExists();
      const unique = distinct(factors);
      return changeOf(await this.commit(tx, owner, state, newPolicy(owner, settings, unique), creationEvents(owner, settings, unique), creator, options), true);
    });
  }

  /** Drops an org's custom policy: it follows the instance default again. */
  resetToDefault(owner: PolicyOwner, creator: string, options: CommandOptions = NO_OPTIONS): Promise<ChangeDetails> {
    return this.command(
      owner,
      options,
      async (tx, state) => {
        if (!state.own) throw LoginPolicyErrors.noCustomPolicyToReset();
        if (state.instanceDefault) await this.guard(tx, owner, state, state.instanceDefault, options);
        const events = this.append(tx, owner, state, [LoginPolicyEvents.removed(owner.level)], creator);
        this.policies.delete(tx, owner);
        return changeOf(events, false);
      },
      'always',
    );
  }

  /** Inside the caller's transaction (RemoveOrg), before its writes: whether the owner has a policy of its own. */
  async hasOwnPolicy(tx: SqlTransaction, owner: PolicyOwner): Promise<boolean> {
    return (await this.policies.commandState(tx, owner)).own !== undefined;
  }

  /** Inside the caller's transaction: deletes the owner's policy, for the caller's `policy.login.removed` event. */
  deleteOwnPolicy(tx: SqlTransaction, owner: PolicyOwner): void {
    this.policies.delete(tx, owner);
  }

  /**
   * Inside the caller's transaction (the first start): appends the events that create the
   * owner's policy to `stream` and writes it. Returns the events.
   */
  createPolicy(tx: SqlTransaction, owner: PolicyOwner, stream: EventStream, settings: LoginPolicySettings, factors: FactorLists, creator: string): AppendedEvent[] {
    const events = this.store.append(tx, stream, creationEvents(owner, settings, factors), creator);
    this.save(tx, owner, undefined, newPolicy(owner, settings, factors), events);
    return events;
  }

  /**
   * One command: its state, read in the transaction, then the caller's precondition (412 when the
   * policy moved on; an org that follows the default is at the default's sequence, as its reads
   * say), then `decide`. A dry run decides the same and stores nothing.
   */
  private command<T>(
    owner: PolicyOwner,
    options: CommandOptions,
    decide: (tx: SqlTransaction, state: PolicyCommandState) => Promise<T>,
    defaultNeeded: DefaultNeeded = 'without-own',
  ): Promise<T> {
    return this.store.transaction(
      async (tx) => {
        const state = await this.commandState(tx, owner, defaultNeeded);
        if (options.expectedSequence !== undefined) {
          const current = effectiveOf(state)?.sequence ?? 0;
          if (current !== options.expectedSequence) throw LoginPolicyErrors.sequenceMoved(owner.level, current, options.expectedSequence);
        }
        return decide(tx, state);
      },
      { dryRun: options.validateOnly },
    );
  }

  /** The lock-out guard on `after` (reads first), then the events and the policy as it is after them. */
  private async commit(tx: SqlTransaction, owner: PolicyOwner, state: PolicyCommandState, after: LoginPolicyState, drafts: EventDraft[], creator: string, options: CommandOptions): Promise<AppendedEvent[]> {
    await this.guard(tx, owner, state, after, options);
    const events = this.append(tx, owner, state, drafts, creator);
    this.save(tx, owner, state.own, after, events);
    return events;
  }

  private guard(tx: SqlTransaction, owner: PolicyOwner, state: PolicyCommandState, after: LoginPolicyState, options: CommandOptions): Promise<void> {
    return this.lockouts.check({
      owner,
      before: effectiveOf(state),
      after,
      choice: options.lockout,
      dryRun: options.validateOnly === true,
      followers: () => this.policies.countFollowers(tx, owner.instanceId),
    });
  }

  private async commandState(tx: SqlTransaction, owner: PolicyOwner, defaultNeeded: DefaultNeeded): Promise<PolicyCommandState> {
    const state = await this.policies.commandState(tx, owner, defaultNeeded);
    if (isOrg(owner) && !state.orgActive) throw orgNotFound();
    return state;
  }

  /** The owner's own policy to change, or for an org without one, a copy of the default and the events that create it. */
  private ownOrCopy(owner: PolicyOwner, state: PolicyCommandState): { base: LoginPolicyState; drafts: EventDraft[] } {
    if (state.own) return { base: state.own, drafts: [] };
    const template = isOrg(owner) ? state.instanceDefault : undefined;
    if (!template) throw LoginPolicyErrors.policyNotFound(owner.level);
    return { base: newPolicy(owner, template.settings, template.factors), drafts: creationEvents(owner, template.settings, template.factors) };
  }

  private append(tx: SqlTransaction, owner: PolicyOwner, state: PolicyCommandState, drafts: EventDraft[], creator: string): AppendedEvent[] {
    return this.store.append(tx, { aggregate: aggregateOf(owner), sequence: state.streamSequence }, drafts, creator);
  }

  /** Writes the policy as it is after `events` (the last one is its sequence and change date). */
  private save(tx: SqlTransaction, owner: PolicyOwner, before: LoginPolicyState | undefined, after: LoginPolicyState, events: AppendedEvent[]): void {
    const last = events[events.length - 1];
    this.policies.save(tx, owner, before, { ...after, sequence: last.sequence, creationDate: before?.creationDate ?? last.createdAt, changeDate: last.createdAt });
  }

  private existing<T>(policy: T | undefined, owner: PolicyOwner): T {
    if (!policy) throw LoginPolicyErrors.policyNotFound(owner.level);
    return policy;
  }
}

/** The policy a command's owner follows now: its own, else (an org) the default. */
function effectiveOf(state: PolicyCommandState): LoginPolicyState | undefined {
  return state.own ?? state.instanceDefault;
}

function mapKinds(list: (kind: FactorKind) => number[]): FactorLists {
  return { second: list('second'), multi: list('multi') };
}

/** The lists with duplicates collapsed, in the order first given. */
function distinct(lists: FactorLists): FactorLists {
  return mapKinds((kind) => [...new Set(lists[kind])]);
}

function activeOrg<V>(found: Found<V>): V {
  if (found === ORG_NOT_ACTIVE) throw orgNotFound();
  return found;
}

/** `policy.login.added` with the settings, then one factor-added event per factor. */
function creationEvents(owner: PolicyOwner, settings: LoginPolicySettings, factors: FactorLists): EventDraft[] {
  const drafts = [LoginPolicyEvents.added(owner.level, settings)];
  for (const kind of FACTOR_KINDS) for (const type of factors[kind]) drafts.push(LoginPolicyEvents.factorAdded(owner.level, kind, type));
  return drafts;
}

/** A policy not stored yet; sequence and dates are set when it is saved. */
function newPolicy(owner: PolicyOwner, settings: LoginPolicySettings, factors: FactorLists): LoginPolicyState {
  const epoch = new Date(0);
  return { ownerId: owner.ownerId, isDefault: !isOrg(owner), settings, factors, sequence: 0, creationDate: epoch, changeDate: epoch };
}

function withFactors(policy: LoginPolicyState, kind: FactorKind, types: number[]): LoginPolicyState {
  return { ...policy, factors: { ...policy.factors, [kind]: types } };
}

/** `ObjectDetails` of a command from its events; adds also report the creation date. */
function changeOf(events: AppendedEvent[], added: boolean): ChangeDetails {
  const last = events[events.length - 1];
  return {
    sequence: last.sequence,
    ...(added ? { creationDate: events[0].createdAt } : {}),
    changeDate: last.createdAt,
    resourceOwner: last.aggregate.id,
  };
}
