import assert from 'node:assert/strict';
import { connect as connectNats } from '@nats-io/transport-node';
import { connect as connectAmqp } from 'amqplib';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertErrorDetail } from '../support/assertions.js';
import { LocalBroker, RABBITMQ_URL, missingBroker } from '../support/brokers.js';
import { waitFor } from '../support/bus-events.js';
import { BusRequester, BusResult } from '../support/bus-requester.js';
import { TestApp } from '../support/test-app.js';
import { customDevelopmentToken, developmentToken } from '../support/tokens.js';

const ADMIN = 'zitadel.admin.v1.AdminService';
const MGMT = 'zitadel.management.v1.ManagementService';

function ok<T = any>(result: BusResult<T>): T {
  assert.equal(result.ok, true, JSON.stringify(result));
  return (result as { ok: true; response: T }).response;
}

/** A bus error reply: the SPEC §6 error object with `code` and, when given, the ErrorDetail id. */
function assertBusError(result: BusResult, code: number, id?: string): void {
  assert.equal(result.ok, false, `expected code ${code}, got ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.deepEqual(Object.keys(result.error).sort(), ['code', 'details', 'message']);
  assert.equal(result.error.code, code, JSON.stringify(result.error));
  assert.equal(typeof result.error.message, 'string');
  assert.ok(Array.isArray(result.error.details));
  if (id) assertErrorDetail(result.error, id);
}

describe('API requests over NATS', { skip: missingBroker('nats-server') }, () => {
  let broker: LocalBroker;
  let app: TestApp;
  let bus: BusRequester;
  let owner: string;

  before(async () => {
    broker = await LocalBroker.nats();
    app = await TestApp.start({ env: { BUS_TRANSPORT: 'nats', BUS_URL: broker.url } });
    bus = BusRequester.nats(broker.url);
    owner = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'bus-caller' });
  });
  after(async () => {
    await bus.close();
    await app.close();
    await broker.remove();
  });

  it('adds, lists and removes a second factor of the instance default; replies are the REST bodies', async () => {
    const added = ok(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, { token: owner }));
    assert.deepEqual(Object.keys(added.details), ['sequence', 'creationDate', 'changeDate', 'resourceOwner']);
    const listed = ok(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token: owner }));
    assert.deepEqual(listed.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_SMS']);
    assert.equal(listed.details.processedSequence, added.details.sequence);
    const rest = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token: owner, body: {} });
    assert.deepEqual(listed, rest.body);
    const removed = ok(await bus.call(`${ADMIN}.RemoveSecondFactorFromLoginPolicy`, { type: 4 }, { token: owner }));
    assert.equal(Number(removed.details.sequence), Number(added.details.sequence) + 1);
    assert.deepEqual(ok(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token: owner })).result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
    const policy = ok(await bus.call(`${ADMIN}.GetLoginPolicy`, {}, { token: owner }));
    assert.deepEqual(policy, (await app.request('GET', '/admin/v1/policies/login', { token: owner })).body);
  });

  it('write conditions in the metadata: x-expected-sequence (stale → code 9 LPF-s3qMoved), x-validate-only (answers, stores nothing), and the factor-set extension', async () => {
    const policy = ok(await bus.call(`${ADMIN}.GetLoginPolicy`, {}, { token: owner }));
    const sequence = policy.policy.details.sequence as string;
    const withMetadata = (request: object, metadata: Record<string, string>) => ({ metadata: { authorization: `Bearer ${owner}`, ...metadata }, request });
    const stale = await bus.send(`${ADMIN}.AddSecondFactorToLoginPolicy`, withMetadata({ type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, { 'x-expected-sequence': String(Number(sequence) - 1) }));
    assert.ok(!stale.ok && stale.error.code === 9 && stale.error.message.endsWith('(LPF-s3qMoved)'), JSON.stringify(stale));
    const dry = ok(await bus.send(`${ADMIN}.AddSecondFactorToLoginPolicy`, withMetadata({ type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, { 'x-validate-only': 'true', 'x-expected-sequence': sequence })));
    assert.equal(dry.details.sequence, String(Number(sequence) + 1));
    assert.equal(ok(await bus.call(`${ADMIN}.GetLoginPolicy`, {}, { token: owner })).policy.details.sequence, sequence, 'nothing stored');
    const unchanged = ok(await bus.call('loginpolicyfactors.v1.FactorSetService.SetDefaultLoginPolicyFactors', { secondFactors: policy.policy.secondFactors, multiFactors: policy.policy.multiFactors }, { token: owner }));
    assert.deepEqual(unchanged.added, { secondFactors: [], multiFactors: [] });
    assert.equal(unchanged.details.sequence, sequence);
  });

  it('v2 GetLoginSettings (zitadel.settings.v2.SettingsService.GetLoginSettings): the REST body for the instance and an org; 403 and 404 as on REST', async () => {
    const SETTINGS = 'zitadel.settings.v2.SettingsService.GetLoginSettings';
    const instance = ok(await bus.call(SETTINGS, { ctx: { instance: true } }, { token: owner }));
    assert.deepEqual(instance, (await app.request('GET', '/v2/settings/login?ctx.instance=true', { token: owner })).body);
    assert.equal(instance.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_INSTANCE');
    const org = ok(await bus.call(`${MGMT}.AddOrg`, { name: 'Bus Settings Org' }, { token: owner })).id;
    const ofOrg = ok(await bus.call(SETTINGS, { ctx: { orgId: org } }, { token: owner }));
    assert.deepEqual(ofOrg, (await app.request('GET', `/v2/settings/login?ctx.orgId=${org}`, { token: owner })).body);
    const orgOwner = await developmentToken(app.config, { roles: [`ORG_OWNER:${org}`], org });
    assertBusError(await bus.call(SETTINGS, { ctx: { instance: true } }, { token: orgOwner }), 7, 'AUTH-5mWD2');
    assertBusError(await bus.call(SETTINGS, { ctx: { orgId: '123456789' } }, { token: owner }), 5, 'Org-n0tFd');
  });

  it('creates an org, then adds, lists and removes a second factor in it (org from x-zitadel-orgid)', async () => {
    const created = ok(await bus.call(`${MGMT}.AddOrg`, { name: 'Bus Org' }, { token: owner }));
    assert.match(created.id, /^\d+$/);
    const inOrg = { token: owner, orgId: created.id };
    const added = ok(await bus.call(`${MGMT}.AddSecondFactorToLoginPolicy`, { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }, inOrg));
    assert.equal(added.details.resourceOwner, created.id);
    assert.deepEqual(ok(await bus.call(`${MGMT}.ListLoginPolicySecondFactors`, {}, inOrg)).result, [
      'SECOND_FACTOR_TYPE_OTP',
      'SECOND_FACTOR_TYPE_U2F',
      'SECOND_FACTOR_TYPE_OTP_EMAIL',
    ]);
    ok(await bus.call(`${MGMT}.RemoveSecondFactorFromLoginPolicy`, { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }, inOrg));
    assert.deepEqual(ok(await bus.call(`${MGMT}.ListLoginPolicySecondFactors`, {}, inOrg)).result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
    assertBusError(await bus.call(`${MGMT}.RemoveSecondFactorFromLoginPolicy`, { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }, inOrg), 5, 'Org-3M9od');
    const policy = ok(await bus.call(`${MGMT}.GetLoginPolicy`, {}, inOrg));
    assert.equal(policy.isDefault, false);
    assert.equal(policy.policy.details.resourceOwner, created.id);
    const events = ok(await bus.call(`${ADMIN}.ListEvents`, { aggregateId: created.id, asc: true }, { token: owner }));
    assert.deepEqual(
      events.events.map((event: { type: string }) => event.type).slice(-2),
      ['org.policy.login.secondfactor.added', 'org.policy.login.secondfactor.removed'],
    );
  });

  it('without a token answers code 16, with a bad one 16 AUTH-7fs1e', async () => {
    const missing = await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 3 });
    assertBusError(missing, 16);
    assert.equal((missing as { ok: false; error: { message: string } }).error.message, 'auth header missing');
    assertBusError(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token: 'not.a.token' }), 16, 'AUTH-7fs1e');
  });

  it('authorization given twice (keys that differ only in case) answers 16 AUTH-7fs1e, whichever comes first', async () => {
    const [header, , signature] = owner.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'intruder', exp: 9999999999 })).toString('base64url')}.${signature}`;
    const list = `${ADMIN}.ListLoginPolicySecondFactors`;
    for (const metadata of [
      { authorization: `Bearer ${owner}`, Authorization: `Bearer ${forged}` },
      { Authorization: `Bearer ${forged}`, authorization: `Bearer ${owner}` },
      { authorization: `Bearer ${owner}`, AUTHORIZATION: `Bearer ${owner}` },
    ]) {
      assertBusError(await bus.send(list, { metadata, request: {} }), 16, 'AUTH-7fs1e');
    }
    ok(await bus.send(list, { metadata: { Authorization: `Bearer ${owner}` }, request: {} }));
  });

  it('a validly signed token over 8 KiB answers 16 AUTH-7fs1e (the bus has no header limit of its own)', async () => {
    const long = await customDevelopmentToken(app.config, {
      sub: 'bus-caller',
      iss: app.config.auth.issuer,
      exp: Math.floor(Date.now() / 1000) + 3600,
      'urn:zitadel:iam:org:project:roles': { IAM_OWNER: {} },
      filler: 'x'.repeat(100_000),
    });
    assertBusError(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token: long }), 16, 'AUTH-7fs1e');
  });

  it('with a viewer token answers writes with code 7 AUTH-5mWD2 and allows reads', async () => {
    const viewer = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
    assertBusError(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 3 }, { token: viewer }), 7, 'AUTH-5mWD2');
    ok(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token: viewer }));
    const orgOwner = await developmentToken(app.config, { roles: ['ORG_OWNER:111'] });
    assertBusError(await bus.call(`${MGMT}.AddSecondFactorToLoginPolicy`, { type: 3 }, { token: orgOwner, orgId: '222' }), 7, 'AUTH-5mWD2');
  });

  it('with type 0 or an unknown type answers code 3 naming the field; duplicates 6; an unknown org 5', async () => {
    for (const type of [0, 'SECOND_FACTOR_TYPE_UNSPECIFIED', 99, 'FOO', undefined]) {
      const result = await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, type === undefined ? {} : { type }, { token: owner });
      assertBusError(result, 3);
      if (!result.ok) {
        assert.equal(result.error.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
        assert.equal(result.error.details[0].fieldViolations[0].field, 'type');
        assert.match(result.error.message, /^invalid AddSecondFactorToLoginPolicyRequest\.Type: /);
      }
    }
    assertBusError(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 1 }, { token: owner }), 6, 'INSTANCE-2B0ps');
    assertBusError(await bus.call(`${MGMT}.ListLoginPolicySecondFactors`, {}, { token: owner, orgId: '1234567' }), 5, 'Org-n0tFd');
    assertBusError(await bus.call(`${MGMT}.ListLoginPolicySecondFactors`, {}, { token: owner }), 3);
  });

  it('a malformed envelope is answered in the error shape, never with a crash', async () => {
    assertBusError(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, ['not', 'an', 'object'], { token: owner }), 3);
    // no metadata object: no token
    assertBusError(await bus.send(`${ADMIN}.ListLoginPolicySecondFactors`, 'hello'), 16);
    assertBusError(await bus.send(`${ADMIN}.ListLoginPolicySecondFactors`, { metadata: 'Bearer x', request: {} }), 16);
  });

  it('a request nested 10,000 levels deep answers code 3 naming the 32-level limit, never INTERNAL', async () => {
    // written as text: JSON.stringify itself cannot write an object nested that deep
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const envelope = `{"metadata":{"authorization":"Bearer ${owner}"},"request":{"name":"Deep","extra":${deep}}}`;
    const nats = await connectNats({ servers: broker.url });
    try {
      const reply = (await nats.request(`${MGMT}.AddOrg`, envelope, { timeout: 5000 })).json<any>();
      assert.deepEqual(reply.err, {
        code: 3,
        message: 'the request body nests objects and arrays deeper than 32 levels',
        details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'body', description: 'objects and arrays may nest at most 32 levels deep' }] }],
      });
    } finally {
      await nats.close();
    }
  });

  it('a bad request without a valid token answers 16: the request is checked only after the caller (SPEC §5)', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const nats = await connectNats({ servers: broker.url });
    try {
      for (const metadata of ['{}', `{"authorization":"Bearer ${owner.slice(0, -4)}AAAA"}`]) {
        const reply = (await nats.request(`${MGMT}.AddOrg`, `{"metadata":${metadata},"request":{"name":"Deep","extra":${deep}}}`, { timeout: 5000 })).json<any>();
        assert.equal(reply.err?.code, 16, JSON.stringify(reply));
      }
    } finally {
      await nats.close();
    }
    assertBusError(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, ['not', 'an', 'object'], {}), 16);
  });

  it('AddOrg with a control character in the name answers code 3 naming the field', async () => {
    for (const name of ['AC\u0000ME', 'AC\u001bME']) {
      const result = await bus.call(`${MGMT}.AddOrg`, { name }, { token: owner });
      assertBusError(result, 3);
      if (!result.ok) {
        assert.equal(result.error.details[0].fieldViolations[0].field, 'name');
        assert.match(result.error.message, /^invalid AddOrgRequest\.Name: value must not contain control characters/);
      }
    }
  });

  it('answers plain NATS requests too (no Nest envelope), as `nats request` sends them', async () => {
    const nats = await connectNats({ servers: broker.url });
    try {
      const request = async (pattern: string, envelope: object) => (await nats.request(pattern, JSON.stringify(envelope), { timeout: 5000 })).json<any>();
      const listed = await request(`${ADMIN}.ListLoginPolicySecondFactors`, { metadata: { authorization: `Bearer ${owner}` }, request: {} });
      assert.deepEqual(Object.keys(listed).sort(), ['id', 'isDisposed', 'response']);
      assert.equal(listed.isDisposed, true);
      assert.deepEqual(listed.response, (await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token: owner })).body);
      const refused = await request(`${ADMIN}.ListLoginPolicySecondFactors`, { request: {} });
      assert.deepEqual(refused.err, { code: 16, message: 'auth header missing', details: [] });
    } finally {
      await nats.close();
    }
  });

  it('two processes on one database share the request queue: each request is answered once', async () => {
    const second = await TestApp.start({ dataDir: app.dataDir, env: { BUS_TRANSPORT: 'nats', BUS_URL: broker.url } });
    try {
      await waitFor(async () => (await second.request('GET', '/debug/ready')).body.info?.bus?.requests === 'connected', 'the second listener');
      const before = ok(await bus.call(`${ADMIN}.ListOrgs`, {}, { token: owner })).details.totalResult;
      const created = await Promise.all(Array.from({ length: 20 }, (_, i) => bus.call(`${MGMT}.AddOrg`, { name: `Queue ${i}` }, { token: owner })));
      assert.ok(created.every((result) => result.ok));
      const listed = ok(await bus.call(`${ADMIN}.ListOrgs`, { query: { limit: 1000 } }, { token: owner }));
      assert.equal(Number(listed.details.totalResult), Number(before) + 20, 'twenty orgs, not forty');
    } finally {
      await second.close({ keepData: true });
    }
  });
});

describe('API requests over RabbitMQ (smoke)', { skip: RABBITMQ_URL ? undefined : 'TEST_RABBITMQ_URL is not set' }, () => {
  it('answers on its durable request queue, errors (an unknown method too) in the one shape', async () => {
    const url = RABBITMQ_URL as string;
    const queue = `lpf-test-${randomBytes(4).toString('hex')}`;
    const app = await TestApp.start({ env: { BUS_TRANSPORT: 'rmq', BUS_URL: url, BUS_REQUEST_QUEUE: queue } });
    const bus = BusRequester.rmq(url, queue);
    try {
      const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      ok(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, { token }));
      assert.deepEqual(ok(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token })).result.slice(-1), ['SECOND_FACTOR_TYPE_OTP_SMS']);
      assertBusError(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 0 }, { token }), 3);
      assertBusError(await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 4 }), 16);
      // every pattern shares the queue here, so a request can name a method nobody serves
      const unknown = await bus.call(`${ADMIN}.NoSuchMethod`, {}, { token });
      assertBusError(unknown, 12);
      assert.equal((unknown as { ok: false; error: { message: string } }).error.message, `unknown method ${ADMIN}.NoSuchMethod; see the README for the request patterns`);
    } finally {
      await bus.close();
      await app.close();
      const connection = await connectAmqp(url);
      await (await connection.createChannel()).deleteQueue(queue);
      await connection.close();
    }
  });
});

for (const [name, start, requester, skip] of [
  ['Redis', () => LocalBroker.redis(), BusRequester.redis, missingBroker('redis-server')],
  ['MQTT', () => LocalBroker.mosquitto(), BusRequester.mqtt, missingBroker('mosquitto')],
] as const) {
  describe(`API requests over ${name} (smoke)`, { skip }, () => {
    it('adds and lists a second factor, and refuses a call without a token with code 16', async () => {
      const broker = await start();
      const app = await TestApp.start({ env: { BUS_TRANSPORT: name === 'Redis' ? 'redis' : 'mqtt', BUS_URL: broker.url } });
      const bus = requester(broker.url);
      try {
        const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
        // the request listener connects in the background: the first call may need a moment
        let added: BusResult = { ok: false, error: { code: 0, message: '', details: [] } };
        for (let attempt = 0; attempt < 20 && !added.ok; attempt++) {
          added = await bus.call(`${ADMIN}.AddSecondFactorToLoginPolicy`, { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, { token });
        }
        ok(added);
        assert.deepEqual(ok(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token })).result.slice(-1), ['SECOND_FACTOR_TYPE_OTP_SMS']);
        assertBusError(await bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}), 16);
      } finally {
        await bus.close();
        await app.close();
        await broker.remove();
      }
    });
  });
}
