/**
 * The state the event stream implies (SPEC §3, §8), and every difference between it and what the
 * read APIs answer: the instance default, each org's effective policy and factor lists, the org
 * registry. A test that ends with "the state equals the replay of the events" calls
 * `differencesFromReplay` and expects no difference.
 */

/** How a test reaches the API (an in-process app or a service process), as a caller allowed everything. */
export type ApiCall = (method: string, path: string, body?: object, orgId?: string) => Promise<{ status: number; body: any }>;

export interface StoredEvent {
  aggregateType: string;
  aggregateId: string;
  sequence: string;
  position: string;
  type: string;
  payload: Record<string, unknown>;
}

interface ReplayedPolicy {
  settings: Record<string, unknown>;
  second: number[];
  multi: number[];
  /** Sequence of the last event applied to the policy. */
  sequence: number;
}

interface ReplayedOrg {
  name: string;
  removed: boolean;
  custom?: ReplayedPolicy;
  sequence: number;
}

export interface ReplayedState {
  instance?: ReplayedPolicy;
  orgs: Map<string, ReplayedOrg>;
  /** Problems of the stream itself (a gap in an aggregate's sequence, an event of an unknown org). */
  streamProblems: string[];
}

const SECOND_FACTORS = ['SECOND_FACTOR_TYPE_UNSPECIFIED', 'SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL', 'SECOND_FACTOR_TYPE_OTP_SMS'];
const MULTI_FACTORS = ['MULTI_FACTOR_TYPE_UNSPECIFIED', 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'];
const PASSWORDLESS_TYPES = ['PASSWORDLESS_TYPE_NOT_ALLOWED', 'PASSWORDLESS_TYPE_ALLOWED'];

/** Every event of the instance, oldest first, paged by position as a consumer reads them. */
export async function allEvents(call: ApiCall): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let position = '0'; ; ) {
    const page = await call('POST', '/admin/v1/events/_search', { asc: true, position, limit: 1000 });
    if (page.status !== 200) throw new Error(`ListEvents answered ${page.status}: ${JSON.stringify(page.body)}`);
    if (page.body.events.length === 0) return events;
    events.push(...page.body.events);
    position = events[events.length - 1].position;
  }
}

/** Folds the events into the state they imply. */
export function replay(events: StoredEvent[]): ReplayedState {
  const state: ReplayedState = { orgs: new Map(), streamProblems: [] };
  const lastSequence = new Map<string, number>();
  for (const event of events) {
    const aggregate = `${event.aggregateType}/${event.aggregateId}`;
    const sequence = Number(event.sequence);
    const expected = (lastSequence.get(aggregate) ?? 0) + 1;
    if (sequence !== expected) state.streamProblems.push(`${aggregate}: sequence ${sequence} where ${expected} comes next (${event.type})`);
    lastSequence.set(aggregate, sequence);
    if (event.aggregateType === 'instance') {
      state.instance = applyPolicyEvent(state.instance, event, 'instance.policy.login.', sequence) ?? state.instance;
      continue;
    }
    if (event.type === 'org.added') {
      state.orgs.set(event.aggregateId, { name: String(event.payload.name), removed: false, sequence });
      continue;
    }
    const org = state.orgs.get(event.aggregateId);
    if (!org || org.removed) {
      state.streamProblems.push(`${aggregate}: ${event.type} on an org that is ${org ? 'removed' : 'unknown'}`);
      continue;
    }
    org.sequence = sequence;
    if (event.type === 'org.removed') org.removed = true;
    else if (event.type === 'org.policy.login.removed') org.custom = undefined;
    else org.custom = applyPolicyEvent(org.custom, event, 'org.policy.login.', sequence);
  }
  return state;
}

function applyPolicyEvent(policy: ReplayedPolicy | undefined, event: StoredEvent, prefix: string, sequence: number): ReplayedPolicy | undefined {
  const change = event.type.startsWith(prefix) ? event.type.slice(prefix.length) : undefined;
  if (change === 'added') return { settings: { ...event.payload }, second: [], multi: [], sequence };
  if (!policy || change === undefined) return policy;
  const next = { ...policy, sequence };
  const type = Number(event.payload.mfaType);
  if (change === 'changed') next.settings = { ...policy.settings, ...event.payload };
  else if (change === 'secondfactor.added') next.second = [...policy.second, type];
  else if (change === 'secondfactor.removed') next.second = policy.second.filter((t) => t !== type);
  else if (change === 'multifactor.added') next.multi = [...policy.multi, type];
  else if (change === 'multifactor.removed') next.multi = policy.multi.filter((t) => t !== type);
  return next;
}

/** A setting as the wire writes it: lifetimes as "<seconds>s", the passwordless type by name. */
function wireSetting(name: string, value: unknown): unknown {
  if (name === 'passwordlessType') return PASSWORDLESS_TYPES[value as number];
  return typeof value === 'number' ? `${value}s` : value;
}

/** The differences between one policy as read and as replayed. */
function policyDifferences(where: string, read: any, expected: ReplayedPolicy, isDefault: boolean): string[] {
  const differences: string[] = [];
  const same = (what: string, actual: unknown, wanted: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) differences.push(`${where} ${what}: read ${JSON.stringify(actual)}, the events imply ${JSON.stringify(wanted)}`);
  };
  for (const [name, value] of Object.entries(expected.settings)) same(name, read?.[name], wireSetting(name, value));
  same('secondFactors', read?.secondFactors, expected.second.map((t) => SECOND_FACTORS[t] ?? t));
  same('multiFactors', read?.multiFactors, expected.multi.map((t) => MULTI_FACTORS[t] ?? t));
  same('isDefault', read?.isDefault, isDefault);
  same('details.sequence', read?.details?.sequence, String(expected.sequence));
  return differences;
}

/** The factor lists of `path` (admin or management prefix) against the replayed policy. */
async function listDifferences(call: ApiCall, where: string, prefix: string, expected: ReplayedPolicy, orgId?: string): Promise<string[]> {
  const differences: string[] = [];
  for (const [kind, names, types] of [
    ['second_factors', SECOND_FACTORS, expected.second],
    ['multi_factors', MULTI_FACTORS, expected.multi],
  ] as const) {
    const list = await call('POST', `${prefix}/policies/login/${kind}/_search`, {}, orgId);
    const wanted = { status: 200, result: types.map((t) => names[t] ?? t), totalResult: String(types.length), processedSequence: String(expected.sequence) };
    const actual = { status: list.status, result: list.body?.result, totalResult: list.body?.details?.totalResult, processedSequence: list.body?.details?.processedSequence };
    if (JSON.stringify(actual) !== JSON.stringify(wanted)) differences.push(`${where} ${kind}: read ${JSON.stringify(actual)}, the events imply ${JSON.stringify(wanted)}`);
  }
  return differences;
}

/**
 * Reads the instance default, every org the events name (its org record, effective policy and
 * factor lists) and the list of active orgs, and returns each difference from the replay of the
 * events. `onlyOrgs` limits the orgs read (all the events name when absent).
 */
export async function differencesFromReplay(call: ApiCall, onlyOrgs?: Iterable<string>): Promise<{ differences: string[]; events: number; orgs: number }> {
  const events = await allEvents(call);
  const state = replay(events);
  const differences = [...state.streamProblems];
  if (!state.instance) return { differences: [...differences, 'the events create no instance default'], events: events.length, orgs: 0 };
  const instance = state.instance;
  const policy = await call('GET', '/admin/v1/policies/login');
  differences.push(...policyDifferences('instance default', policy.body?.policy, instance, true));
  differences.push(...(await listDifferences(call, 'instance default', '/admin/v1', instance)));

  const orgIds = onlyOrgs ? [...onlyOrgs] : [...state.orgs.keys()];
  for (const orgId of orgIds) {
    const org = state.orgs.get(orgId);
    const where = `org ${orgId}`;
    if (!org) {
      differences.push(`${where}: no org.added event`);
      continue;
    }
    const record = await call('GET', `/admin/v1/orgs/${orgId}`);
    const read = await call('GET', '/management/v1/policies/login', undefined, orgId);
    if (org.removed) {
      for (const [what, answer] of [['GetOrgByID', record], ['GetLoginPolicy', read]] as const) {
        if (answer.status !== 404 || answer.body?.code !== 5) differences.push(`${where} is removed, but ${what} answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
      continue;
    }
    const recorded = { status: record.status, name: record.body?.org?.name, state: record.body?.org?.state };
    const wanted = { status: 200, name: org.name, state: 'ORG_STATE_ACTIVE' };
    if (JSON.stringify(recorded) !== JSON.stringify(wanted)) differences.push(`${where}: GetOrgByID read ${JSON.stringify(recorded)}, the events imply ${JSON.stringify(wanted)}`);
    const effective = org.custom ?? instance;
    if (read.status !== 200) differences.push(`${where}: GetLoginPolicy answered ${read.status} ${JSON.stringify(read.body)}`);
    differences.push(...policyDifferences(where, read.body?.policy, effective, !org.custom));
    if (read.body?.isDefault !== !org.custom) differences.push(`${where}: top-level isDefault ${read.body?.isDefault}, the events imply ${!org.custom}`);
    differences.push(...(await listDifferences(call, where, '/management/v1', effective, orgId)));
  }

  const listed = await call('POST', '/admin/v1/orgs/_search', { query: { limit: 1000 } });
  const active = [...state.orgs].filter(([, org]) => !org.removed).map(([id]) => id);
  const listedIds = ((listed.body?.result ?? []) as { id: string }[]).map((org) => org.id);
  if (active.length <= 1000 && JSON.stringify([...listedIds].sort()) !== JSON.stringify([...active].sort())) {
    differences.push(`ListOrgs lists ${listedIds.length} orgs, the events imply ${active.length} active ones`);
  }
  return { differences, events: events.length, orgs: orgIds.length };
}
