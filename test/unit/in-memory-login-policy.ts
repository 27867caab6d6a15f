import { AppConfig, LockoutGuardMode } from '../../src/common/config/app-config.js';
import { UnitOptions } from '../../src/common/database/sql-database.js';
import { SqlTransaction } from '../../src/common/database/sql-transaction.js';
import { MetricsService } from '../../src/common/metrics/metrics.service.js';
import { LockoutGuard } from '../../src/modules/login-policy/lockout-guard.service.js';
import { EventStore } from '../../src/modules/events/event-store.service.js';
import { AggregateRef, AppendedEvent, EventDraft, EventStream } from '../../src/modules/events/stored-event.js';
import { SEED_SETTINGS } from '../../src/modules/login-policy/login-policy-settings.js';
import { FactorsState, LoginPolicyState, SEED_FACTORS } from '../../src/modules/login-policy/login-policy.model.js';
import { DefaultNeeded, Found, LoginPolicyRepository, ORG_NOT_ACTIVE, PolicyCommandState, View } from '../../src/modules/login-policy/login-policy.repository.js';
import { LoginPolicyService } from '../../src/modules/login-policy/login-policy.service.js';
import { INSTANCE_LEVEL, PolicyOwner, aggregateOf, orgOwner } from '../../src/modules/login-policy/policy-level.js';

/**
 * In-memory stand-ins for what the login-policy core depends on: the event store (its transaction
 * and append) and the policy repository, both backed by plain maps and arrays. The service under
 * test is the real one; only the storage is fake.
 */

/** A transaction whose writes are applied when the command returns and dropped when it throws, as a database would. */
export class InMemoryTransaction implements SqlTransaction {
  private readonly writes: (() => void)[] = [];

  read(): never {
    throw new Error('the in-memory fakes run no SQL');
  }
  readByKey(): never {
    throw new Error('the in-memory fakes run no SQL');
  }
  write(): never {
    throw new Error('the in-memory fakes run no SQL');
  }
  writeNumbered(): never {
    throw new Error('the in-memory fakes run no SQL');
  }

  /** A write of the fakes, applied at commit. */
  later(write: () => void): void {
    this.writes.push(write);
  }

  commit(): void {
    for (const write of this.writes) write();
  }

  static of(tx: SqlTransaction): InMemoryTransaction {
    if (!(tx instanceof InMemoryTransaction)) throw new Error('not a transaction of the in-memory event store');
    return tx;
  }
}

export type RecordedEvent = AppendedEvent & { creator: string };

/** What the service uses of the event store and of the repository (checked against their real signatures). */
type CoreEventStore = Pick<EventStore, 'transaction' | 'append'>;
type CoreRepository = Pick<LoginPolicyRepository, 'effectiveForOrg' | 'effectiveFactorsForOrg' | 'defaultForOrg' | 'own' | 'ownFactors' | 'commandState' | 'countFollowers' | 'save' | 'delete'>;

/** The event store's transaction and append, with the committed events in one array. */
export class InMemoryEventStore implements CoreEventStore {
  readonly events: RecordedEvent[] = [];
  /** Transactions committed so far. */
  commits = 0;
  private ticks = 0;

  async transaction<T>(command: (tx: SqlTransaction) => Promise<T>, options: UnitOptions = {}): Promise<T> {
    const tx = new InMemoryTransaction();
    const result = await command(tx);
    // a dry run's writes are dropped, as the real store drops them
    if (options.dryRun) return result;
    tx.commit();
    this.commits++;
    return result;
  }

  append(tx: SqlTransaction, stream: EventStream, drafts: EventDraft[], creator: string): AppendedEvent[] {
    if (drafts.length === 0) return [];
    // one second later for every append, so a test can tell the events of two commands apart by time
    const createdAt = new Date(Date.UTC(2026, 11, 3, 9, 0, ++this.ticks));
    const events = drafts.map((draft, i) => ({ ...draft, aggregate: stream.aggregate, sequence: stream.sequence + i + 1, createdAt }));
    InMemoryTransaction.of(tx).later(() => {
      // the unique (aggregate, sequence) key of the real store: a command that read a stale sequence cannot commit
      if (this.sequenceOf(stream.aggregate) !== stream.sequence) throw new Error(`sequence conflict on ${stream.aggregate.type} ${stream.aggregate.id}`);
      this.events.push(...events.map((event) => ({ ...event, creator })));
    });
    return events;
  }

  /** The last committed sequence of an aggregate (0 before its first event). */
  sequenceOf(aggregate: AggregateRef): number {
    return this.of(aggregate).at(-1)?.sequence ?? 0;
  }

  /** The committed events of one aggregate, in order. */
  of(aggregate: AggregateRef): RecordedEvent[] {
    return this.events.filter((event) => event.aggregate.type === aggregate.type && event.aggregate.id === aggregate.id);
  }
}

/** The login-policy projection as two maps: the policies by owner id, the orgs' states by org id. */
export class InMemoryLoginPolicies implements CoreRepository {
  readonly policies = new Map<string, LoginPolicyState>();
  readonly orgs = new Map<string, 'active' | 'removed'>();

  constructor(private readonly store: InMemoryEventStore) {}

  effectiveForOrg<V>(owner: PolicyOwner, view: View<LoginPolicyState, V>): Promise<Found<V>> {
    return Promise.resolve(this.ifActive(owner, this.policies.get(owner.ownerId) ?? this.policies.get(owner.instanceId), view));
  }

  effectiveFactorsForOrg<V>(owner: PolicyOwner, view: View<FactorsState, V>): Promise<Found<V>> {
    return this.effectiveForOrg(owner, view);
  }

  defaultForOrg<V>(owner: PolicyOwner, view: View<LoginPolicyState, V>): Promise<Found<V>> {
    return Promise.resolve(this.ifActive(owner, this.policies.get(owner.instanceId), view));
  }

  async own(owner: PolicyOwner): Promise<LoginPolicyState | undefined> {
    return this.policies.get(owner.ownerId);
  }

  ownFactors(owner: PolicyOwner): Promise<FactorsState | undefined> {
    return this.own(owner);
  }

  async commandState(_tx: SqlTransaction, owner: PolicyOwner, defaultNeeded: DefaultNeeded = 'without-own'): Promise<PolicyCommandState> {
    const streamSequence = this.store.sequenceOf(aggregateOf(owner));
    const own = this.policies.get(owner.ownerId);
    if (owner.level === INSTANCE_LEVEL) return { orgActive: false, streamSequence, own };
    // as the real statement: the default only when the org has no policy of its own, unless asked for always
    const instanceDefault = own === undefined || defaultNeeded === 'always' ? this.policies.get(owner.instanceId) : undefined;
    return { orgActive: this.orgs.get(owner.ownerId) === 'active', streamSequence, own, instanceDefault };
  }

  async countFollowers(_tx: SqlTransaction, instanceId: string): Promise<number> {
    return [...this.orgs].filter(([orgId, state]) => state === 'active' && !this.policies.has(orgId) && instanceId === INSTANCE_ID).length;
  }

  save(tx: SqlTransaction, owner: PolicyOwner, before: LoginPolicyState | undefined, after: LoginPolicyState): void {
    // the real repository inserts when `before` is undefined (a second row would break its key) and otherwise changes the row read
    if (before !== this.policies.get(owner.ownerId)) throw new Error(`save of ${owner.ownerId}: \`before\` is not the stored policy`);
    InMemoryTransaction.of(tx).later(() => this.policies.set(owner.ownerId, after));
  }

  delete(tx: SqlTransaction, owner: PolicyOwner): void {
    InMemoryTransaction.of(tx).later(() => this.policies.delete(owner.ownerId));
  }

  private ifActive<V>(owner: PolicyOwner, policy: LoginPolicyState | undefined, view: View<LoginPolicyState, V>): Found<V> {
    return this.orgs.get(owner.ownerId) === 'active' && policy ? view(policy) : ORG_NOT_ACTIVE;
  }
}

export const INSTANCE_ID = '100000000000000001';
export const INSTANCE: PolicyOwner = { level: INSTANCE_LEVEL, instanceId: INSTANCE_ID, ownerId: INSTANCE_ID };
export const CREATOR = 'user-1';

/** The real service on the fakes, with the instance default seeded as on a first start (OTP and U2F, passkeys). */
export async function serviceOnFakes(
  lockoutGuard: LockoutGuardMode = 'warn',
): Promise<{ service: LoginPolicyService; store: InMemoryEventStore; policies: InMemoryLoginPolicies; metrics: MetricsService }> {
  const store = new InMemoryEventStore();
  const policies = new InMemoryLoginPolicies(store);
  const metrics = new MetricsService();
  const guard = new LockoutGuard({ lockoutGuard } as AppConfig, metrics);
  // the service takes the classes; the fakes have the members it uses
  const service = new LoginPolicyService(store as CoreEventStore as EventStore, policies as CoreRepository as LoginPolicyRepository, guard);
  await store.transaction(async (tx) => {
    service.createPolicy(tx, INSTANCE, { aggregate: aggregateOf(INSTANCE), sequence: 0 }, SEED_SETTINGS, SEED_FACTORS, 'system');
  });
  return { service, store, policies, metrics };
}

/** An active org with its `org.added` event (what the orgs module does), following the default. */
export async function addOrg(store: InMemoryEventStore, policies: InMemoryLoginPolicies, orgId: string): Promise<PolicyOwner> {
  const owner = orgOwner(INSTANCE_ID, orgId);
  await store.transaction(async (tx) => {
    store.append(tx, { aggregate: aggregateOf(owner), sequence: store.sequenceOf(aggregateOf(owner)) }, [{ type: 'org.added', payload: { name: orgId } }], CREATOR);
    InMemoryTransaction.of(tx).later(() => policies.orgs.set(orgId, 'active'));
  });
  return owner;
}
