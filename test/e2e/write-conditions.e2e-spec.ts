import { Metadata } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertErrorDetail, assertInvalidArgument } from '../support/assertions.js';
import { DATABASES } from '../support/databases.js';
import { GrpcTestClient } from '../support/grpc-client.js';
import { readMetric } from '../support/metrics.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const ADMIN = '/admin/v1/policies/login';
const MGMT = '/management/v1/policies/login';
const ORG_SET = '/ext/v1/policies/login/org/factors';
const DEFAULT_SET = '/ext/v1/policies/login/default/factors';
const EVENTS = '/admin/v1/events/_search';
const OTP_EMAIL = 'SECOND_FACTOR_TYPE_OTP_EMAIL';
const PASSKEY = 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION';

/** gRPC metadata with our write conditions. */
function conditions(values: { expected?: string; validateOnly?: boolean }): Metadata {
  const metadata = new Metadata();
  if (values.expected !== undefined) metadata.set('x-expected-sequence', values.expected);
  if (values.validateOnly) metadata.set('x-validate-only', 'true');
  return metadata;
}

for (const database of DATABASES) describe(`write conditions on ${database}: preconditions, dry runs and the lock-out guard`, () => {
  let app: TestApp;
  let owner: string;
  let admin: GrpcTestClient;
  let management: GrpcTestClient;
  let sets: GrpcTestClient;

  before(async () => {
    app = await TestApp.start({ database, env: { GRPC_PORT: String(await freePort()) } });
    owner = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'careful-admin' });
    admin = new GrpcTestClient(app.grpcAddress, 'admin');
    management = new GrpcTestClient(app.grpcAddress, 'management');
    sets = new GrpcTestClient(app.grpcAddress, 'factor-sets');
  });
  after(async () => {
    for (const client of [admin, management, sets]) client.close();
    await app.close();
  });

  /** Every event of the instance, as one text: what "the event log is unchanged" compares. */
  const eventLog = async () => JSON.stringify((await app.request('POST', EVENTS, { token: owner, body: { asc: true, limit: 1000 } })).body.events);
  const orgPolicy = (org: string) => app.request('GET', MGMT, { token: owner, headers: orgHeader(org) });

  describe('preconditions', () => {
    it('REST: reads send ETag "<sequence>"; a write with that If-Match goes through, with a stale one answers 412 naming the current sequence and stores nothing', async () => {
      const org = await createOrg(app, owner, 'Precondition REST');
      const read = await orgPolicy(org);
      const etag = read.headers.get('etag');
      assert.equal(etag, `"${read.body.policy.details.sequence}"`);
      const list = await app.request('POST', `${MGMT}/second_factors/_search`, { token: owner, headers: orgHeader(org) });
      assert.equal(list.headers.get('etag'), `"${list.body.details.processedSequence}"`);
      assert.equal(list.headers.get('etag'), etag, 'an inheriting org is at the default\'s sequence, on both reads');

      const written = await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: { ...orgHeader(org), 'if-match': etag as string }, body: { type: OTP_EMAIL } });
      assert.equal(written.status, 200, JSON.stringify(written.body));
      const before = await eventLog();
      const stale = await app.request('DELETE', `${MGMT}/second_factors/${OTP_EMAIL}`, { token: owner, headers: { ...orgHeader(org), 'if-match': etag as string } });
      assertError(stale, 412, 9, 'LPF-s3qMoved');
      assert.match(stale.body.message, new RegExp(`at sequence ${written.body.details.sequence}, not ${read.body.policy.details.sequence}`));
      assert.equal(await eventLog(), before, 'the event log is unchanged');
      const fresh = await app.request('DELETE', `${MGMT}/second_factors/${OTP_EMAIL}`, { token: owner, headers: { ...orgHeader(org), 'if-match': `"${written.body.details.sequence}"` } });
      assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
      // without the header nothing changes: the write goes through whatever the sequence
      assert.equal((await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(org), body: { type: OTP_EMAIL } })).status, 200);
    });

    it('REST: a malformed If-Match is 400 (unquoted, a list, two headers); `*` asks for nothing', async () => {
      for (const value of ['4', '"4", "5"', 'W/"4"', '"x"']) {
        assertInvalidArgument(await app.request('PUT', ADMIN, { token: owner, headers: { 'if-match': value }, body: {} }), 'If-Match');
      }
      const star = await app.request('POST', `${ADMIN}/second_factors`, { token: owner, headers: { 'if-match': '*' }, body: { type: OTP_EMAIL } });
      assert.equal(star.status, 200, JSON.stringify(star.body));
      assert.equal((await app.request('DELETE', `${ADMIN}/second_factors/${OTP_EMAIL}`, { token: owner })).status, 200);
    });

    it('gRPC: x-expected-sequence — the current one goes through, a stale one is FAILED_PRECONDITION naming the current sequence, and stores nothing', async () => {
      const current = await admin.call('GetLoginPolicy', {}, { token: owner });
      assert.ok(current.ok);
      const sequence = current.response.policy.details.sequence as string;
      const before = await eventLog();
      const stale = await admin.call('AddSecondFactorToLoginPolicy', { type: OTP_EMAIL }, { token: owner, metadata: conditions({ expected: String(Number(sequence) - 1) }) });
      assert.ok(!stale.ok);
      assert.equal(stale.error.code, 9);
      assert.match(stale.error.message, new RegExp(`at sequence ${sequence}, not ${Number(sequence) - 1}`));
      assert.equal(await eventLog(), before);
      const added = await admin.call('AddSecondFactorToLoginPolicy', { type: OTP_EMAIL }, { token: owner, metadata: conditions({ expected: sequence }) });
      assert.ok(added.ok, JSON.stringify(added));
      const malformed = await admin.call('RemoveSecondFactorFromLoginPolicy', { type: OTP_EMAIL }, { token: owner, metadata: conditions({ expected: 'latest' }) });
      assert.ok(!malformed.ok);
      assert.equal(malformed.error.code, 3);
      assert.ok((await admin.call('RemoveSecondFactorFromLoginPolicy', { type: OTP_EMAIL }, { token: owner })).ok);
    });
  });

  describe('dry runs', () => {
    it('REST: validateOnly answers exactly what the write then answers (details, the sequence it gets) and stores nothing', async () => {
      const org = await createOrg(app, owner, 'Dry REST');
      const before = await eventLog();
      const dry = await app.request('POST', `${MGMT}/second_factors?validateOnly=true`, { token: owner, headers: orgHeader(org), body: { type: OTP_EMAIL } });
      assert.equal(dry.status, 200, JSON.stringify(dry.body));
      assert.equal(await eventLog(), before, 'no event, no outbox row, no copy of the default');
      assert.equal((await orgPolicy(org)).body.isDefault, true);
      const real = await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(org), body: { type: OTP_EMAIL } });
      assert.equal(real.status, 200);
      assert.equal(dry.body.details.sequence, real.body.details.sequence);
      assert.equal(dry.body.details.resourceOwner, real.body.details.resourceOwner);

      // a dry run that would be refused is refused the same way
      const after = await eventLog();
      assertError(await app.request('POST', `${MGMT}/second_factors?validateOnly=true`, { token: owner, headers: orgHeader(org), body: { type: OTP_EMAIL } }), 409, 6, 'Org-2B0ps');
      assertInvalidArgument(await app.request('POST', `${MGMT}/second_factors?validateOnly=maybe`, { token: owner, headers: orgHeader(org), body: { type: OTP_EMAIL } }), 'validateOnly');
      // the declarative set too: the difference it would apply
      const drySet = await app.request('PUT', `${ORG_SET}?validateOnly=true`, { token: owner, headers: orgHeader(org), body: { secondFactors: [OTP_EMAIL], multiFactors: [PASSKEY] } });
      assert.equal(drySet.status, 200, JSON.stringify(drySet.body));
      assert.deepEqual(drySet.body.removed, { secondFactors: ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F'], multiFactors: [] });
      assert.equal(await eventLog(), after);
    });

    it('gRPC: x-validate-only answers what the write answers and stores nothing', async () => {
      const org = await createOrg(app, owner, 'Dry gRPC');
      const before = await eventLog();
      const dry = await management.call('AddMultiFactorToLoginPolicy', { type: 'MULTI_FACTOR_TYPE_UNSPECIFIED' }, { token: owner, orgId: org, metadata: conditions({ validateOnly: true }) });
      assert.ok(!dry.ok);
      assert.equal(dry.error.code, 3);
      const dryReset = await management.call('ResetLoginPolicyToDefault', {}, { token: owner, orgId: org, metadata: conditions({ validateOnly: true }) });
      assert.ok(!dryReset.ok);
      assert.equal(dryReset.error.code, 5, 'nothing to reset, as the write would say');
      const drySet = await sets.call('SetOrgLoginPolicyFactors', { secondFactors: [OTP_EMAIL], multiFactors: [PASSKEY] }, { token: owner, orgId: org, metadata: conditions({ validateOnly: true }) });
      assert.ok(drySet.ok, JSON.stringify(drySet));
      assert.equal(await eventLog(), before);
      const real = await sets.call('SetOrgLoginPolicyFactors', { secondFactors: [OTP_EMAIL], multiFactors: [PASSKEY] }, { token: owner, orgId: org });
      assert.ok(real.ok);
      // the same answer but for the time, which is the moment of each call
      const withoutTimes = (response: any) => ({ ...response, details: { sequence: response.details.sequence, resourceOwner: response.details.resourceOwner } });
      assert.deepEqual(withoutTimes(drySet.response), withoutTimes(real.response));
    });
  });

  describe('the org registry', () => {
    it('AddOrg: validateOnly answers and creates nothing, a precondition is 400; RemoveOrg: a stale If-Match is 412, the current one removes', async () => {
      const before = await eventLog();
      const dry = await app.request('POST', '/management/v1/orgs?validateOnly=true', { token: owner, body: { name: 'Not Yet' } });
      assert.equal(dry.status, 200, JSON.stringify(dry.body));
      assert.equal(await eventLog(), before);
      assertError(await app.request('GET', `/admin/v1/orgs/${dry.body.id}`, { token: owner }), 404, 5, 'Org-n0tFd');
      assertInvalidArgument(await app.request('POST', '/management/v1/orgs', { token: owner, headers: { 'if-match': '"1"' }, body: { name: 'Expected' } }), 'If-Match');

      const org = await createOrg(app, owner, 'To Remove');
      const read = await app.request('GET', '/management/v1/orgs/me', { token: owner, headers: orgHeader(org) });
      const sequence = read.body.org.details.sequence;
      assertError(await app.request('DELETE', '/management/v1/orgs/me', { token: owner, headers: { ...orgHeader(org), 'if-match': `"${Number(sequence) + 1}"` } }), 412, 9, 'LPF-s3qMoved');
      const removed = await app.request('DELETE', '/management/v1/orgs/me', { token: owner, headers: { ...orgHeader(org), 'if-match': `"${sequence}"` } });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
    });
  });

  describe('the lock-out guard', () => {
    it('extension, REST: a set leaving passwordless without multi factors is refused (400 FAILED_PRECONDITION, our id, the rule named, the followers counted) unless allowLockout', async () => {
      const follower = await createOrg(app, owner, 'Follows the default');
      const before = await eventLog();
      const refused = await app.request('PUT', DEFAULT_SET, { token: owner, body: { secondFactors: ['SECOND_FACTOR_TYPE_OTP'], multiFactors: [] } });
      assertError(refused, 400, 9, 'LPF-lock0pwl');
      assert.match(refused.body.message, /passwordless login is allowed and no multi factor is allowed/);
      const followers = Number(/(\d+) orgs? follows? the instance default/.exec(refused.body.message)?.[1]);
      assert.ok(followers >= 1, refused.body.message);
      assert.equal(await eventLog(), before);
      assert.equal((await orgPolicy(follower)).body.policy.multiFactors.length, 1);

      const allowed = await app.request('PUT', DEFAULT_SET, { token: owner, body: { secondFactors: ['SECOND_FACTOR_TYPE_OTP'], multiFactors: [], allowLockout: true } });
      assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
      assert.equal(await readMetric(app.url, 'login_policy_lockout_changes_total{rule="passwordless_without_multi_factors",outcome="allowed"}'), 1);
      // repairs are always possible: the policy broke the rule already
      assert.equal((await app.request('PUT', DEFAULT_SET, { token: owner, body: { secondFactors: ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F'], multiFactors: [PASSKEY] } })).status, 200);
    });

    it('extension, gRPC: forceMfa with every factor removed is refused with FAILED_PRECONDITION LPF-lock0mfa', async () => {
      const org = await createOrg(app, owner, 'Force MFA');
      const created = await app.request('POST', MGMT, {
        token: owner,
        headers: orgHeader(org),
        body: { forceMfa: true, passwordlessType: 'PASSWORDLESS_TYPE_NOT_ALLOWED', secondFactors: ['SECOND_FACTOR_TYPE_OTP'] },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const before = await eventLog();
      const refused = await sets.call('SetOrgLoginPolicyFactors', {}, { token: owner, orgId: org });
      assert.ok(!refused.ok);
      assert.equal(refused.error.code, 9);
      assertErrorDetail({ message: refused.error.message, details: refused.error.details }, 'LPF-lock0mfa');
      assert.match(refused.error.message, /forceMfa is on and no second factor or multi factor is allowed/);
      assert.equal(await eventLog(), before);
      assert.ok((await sets.call('SetOrgLoginPolicyFactors', { allowLockout: true }, { token: owner, orgId: org })).ok);
    });

    it('ZITADEL-compatible calls: made with a warning and counted by default (LOCKOUT_GUARD=warn), as ZITADEL makes them', async () => {
      const org = await createOrg(app, owner, 'Warned');
      assert.equal((await app.request('POST', MGMT, { token: owner, headers: orgHeader(org), body: { forceMfa: true, passwordlessType: 'PASSWORDLESS_TYPE_ALLOWED', secondFactors: ['SECOND_FACTOR_TYPE_OTP'], multiFactors: [PASSKEY] } })).status, 200);
      const warnedBefore = await readMetric(app.url, 'login_policy_lockout_changes_total{rule="passwordless_without_multi_factors",outcome="warned"}').catch(() => 0);
      const removed = await app.request('DELETE', `${MGMT}/multi_factors/${PASSKEY}`, { token: owner, headers: orgHeader(org) });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.equal(await readMetric(app.url, 'login_policy_lockout_changes_total{rule="passwordless_without_multi_factors",outcome="warned"}'), warnedBefore + 1);
    });
  });
});

describe('the lock-out guard with LOCKOUT_GUARD=enforce', () => {
  let app: TestApp;
  let owner: string;
  let management: GrpcTestClient;

  before(async () => {
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()), LOCKOUT_GUARD: 'enforce' } });
    owner = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'strict-admin' });
    management = new GrpcTestClient(app.grpcAddress, 'management');
  });
  after(async () => {
    management.close();
    await app.close();
  });

  it('refuses a ZITADEL-compatible change that locks users out, on REST and gRPC, and stores nothing', async () => {
    const org = await createOrg(app, owner, 'Enforced');
    assert.equal((await app.request('POST', MGMT, { token: owner, headers: orgHeader(org), body: { forceMfa: true, secondFactors: ['SECOND_FACTOR_TYPE_OTP'] } })).status, 200);
    const log = async () => JSON.stringify((await app.request('POST', EVENTS, { token: owner, body: { asc: true, limit: 1000 } })).body.events);
    const before = await log();
    const rest = await app.request('DELETE', `${MGMT}/second_factors/SECOND_FACTOR_TYPE_OTP`, { token: owner, headers: orgHeader(org) });
    assertError(rest, 400, 9, 'LPF-lock0mfa');
    assert.match(rest.body.message, /LOCKOUT_GUARD=enforce/);
    const grpc = await management.call('RemoveSecondFactorFromLoginPolicy', { type: 'SECOND_FACTOR_TYPE_OTP' }, { token: owner, orgId: org });
    assert.ok(!grpc.ok);
    assert.equal(grpc.error.code, 9);
    assert.equal(await log(), before);
    assert.equal(await readMetric(app.url, 'login_policy_lockout_changes_total{rule="force_mfa_without_factors",outcome="refused"}'), 2);
  });
});
