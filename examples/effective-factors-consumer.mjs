// Keeps an up-to-date copy of every org's effective login factors from the service's events on NATS.
//
//   NATS_URL=nats://127.0.0.1:4222 SERVICE_URL=http://127.0.0.1:8080 TOKEN=<token with events.read> \
//     node examples/effective-factors-consumer.mjs
//
// It subscribes to zitadel.events.> first, then reads the history with ListEvents (paging by
// position), then applies what arrived meanwhile and everything after. Delivery is at least once
// and in order per aggregate, so each event is applied only when its sequence is the next one of
// its aggregate (aggregateId, sequence): repeats are dropped, and a gap (an event missed while
// this consumer was away) is filled from ListEvents before going on.
//
// Output: one JSON line per org whose effective factors changed:
//   {"orgId":"…","secondFactors":["SECOND_FACTOR_TYPE_OTP",…],"multiFactors":[…],"isDefault":true}
// plus {"ready":true,"orgs":N} once the history is read, and {"removed":"<orgId>"} for removed orgs.
import { connect } from '@nats-io/transport-node';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SERVICE_URL = process.env.SERVICE_URL ?? 'http://127.0.0.1:8080';
const TOKEN = process.env.TOKEN;
if (!TOKEN) {
  console.error('TOKEN must be a bearer token with events.read (e.g. npm run -s token -- --role IAM_OWNER_VIEWER)');
  process.exit(1);
}

const SECOND_FACTORS = { 1: 'SECOND_FACTOR_TYPE_OTP', 2: 'SECOND_FACTOR_TYPE_U2F', 3: 'SECOND_FACTOR_TYPE_OTP_EMAIL', 4: 'SECOND_FACTOR_TYPE_OTP_SMS' };
const MULTI_FACTORS = { 1: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' };

/** Last applied sequence per aggregate: the dedupe key is (aggregateId, sequence). */
const applied = new Map();
/** The instance default's factors; orgs without a custom policy follow it. */
let defaults = { second: [], multi: [] };
/** orgId → its custom factors, or null while it follows the default. */
const orgs = new Map();
/** What was last printed per org, to print changes only. */
const printed = new Map();

function effective(orgId) {
  const custom = orgs.get(orgId);
  const factors = custom ?? defaults;
  return {
    orgId,
    secondFactors: factors.second.map((type) => SECOND_FACTORS[type] ?? String(type)),
    multiFactors: factors.multi.map((type) => MULTI_FACTORS[type] ?? String(type)),
    isDefault: custom === null,
  };
}

function report(orgIds) {
  for (const orgId of orgIds) {
    const line = JSON.stringify(effective(orgId));
    if (printed.get(orgId) === line) continue;
    printed.set(orgId, line);
    console.log(line);
  }
}

/** Applies one event to the copy (settings changes do not touch factors). Returns the orgs it may affect. */
function apply(event) {
  if (event.type === 'org.added') {
    orgs.set(event.aggregateId, null);
    return [event.aggregateId];
  }
  if (event.type === 'org.removed') {
    orgs.delete(event.aggregateId);
    printed.delete(event.aggregateId);
    console.log(JSON.stringify({ removed: event.aggregateId }));
    return [];
  }
  const isOrg = event.aggregateType === 'org';
  const change = event.type.slice(event.type.indexOf('.policy.login.') + '.policy.login.'.length);
  if (!event.type.includes('.policy.login.')) return [];
  if (change === 'added') {
    if (isOrg) orgs.set(event.aggregateId, { second: [], multi: [] });
    else defaults = { second: [], multi: [] };
  } else if (change === 'removed') {
    if (isOrg) orgs.set(event.aggregateId, null);
  } else if (change === 'changed') {
    return [];
  } else {
    // secondfactor.added | secondfactor.removed | multifactor.added | multifactor.removed
    const [factor, what] = change.split('.');
    const kind = factor === 'secondfactor' ? 'second' : 'multi';
    const target = isOrg ? orgs.get(event.aggregateId) : defaults;
    if (!target) return [];
    target[kind] = what === 'added' ? [...target[kind], event.payload.mfaType] : target[kind].filter((type) => type !== event.payload.mfaType);
  }
  return isOrg ? [event.aggregateId] : [...orgs.keys()].filter((orgId) => orgs.get(orgId) === null);
}

async function listEvents(filter) {
  const response = await fetch(`${SERVICE_URL}/admin/v1/events/_search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ asc: true, limit: 1000, ...filter }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`ListEvents answered ${response.status}: ${body.message}`);
  return body.events;
}

/** Applies `event` if it is the next of its aggregate; fetches what is missing first. */
async function receive(event) {
  const last = applied.get(event.aggregateId) ?? 0;
  const sequence = Number(event.sequence);
  if (sequence <= last) return []; // a repeat: already applied
  if (sequence > last + 1) {
    const missing = await listEvents({ aggregateId: event.aggregateId, sequence: String(last) });
    const affected = [];
    for (const earlier of missing.filter((e) => Number(e.sequence) < sequence)) affected.push(...(await receive(earlier)));
    return [...affected, ...(await receive(event))];
  }
  applied.set(event.aggregateId, sequence);
  return apply(event);
}

const nats = await connect({ servers: NATS_URL, maxReconnectAttempts: -1 });
const early = [];
let live = false;
let queue = Promise.resolve();
nats.subscribe('zitadel.events.>', {
  callback: (error, message) => {
    if (error) return console.error(`subscription error: ${error.message}`);
    const event = message.json();
    if (!live) return void early.push(event);
    queue = queue.then(async () => report(await receive(event))).catch((e) => console.error(e.message));
  },
});
await nats.flush();

// the history, page by page (the bus only carries what happens from now on)
let position = '0';
for (;;) {
  const page = await listEvents({ position });
  for (const event of page) await receive(event);
  if (page.length === 0) break;
  position = page[page.length - 1].position;
}
for (const event of early) await receive(event);
live = true;
report([...orgs.keys()]);
console.log(JSON.stringify({ ready: true, orgs: orgs.size }));

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => nats.close().then(() => process.exit(0)));
