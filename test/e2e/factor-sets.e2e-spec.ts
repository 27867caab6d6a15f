import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError } from '../support/assertions.js';
import { DATABASES } from '../support/databases.js';
import { ApiCall, differencesFromReplay } from '../support/event-replay.js';
import { GrpcTestClient } from '../support/grpc-client.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const DEFAULT_SET = '/ext/v1/policies/login/default/factors';
const ORG_SET = '/ext/v1/policies/login/org/factors';
const ADMIN = '/admin/v1/policies/login';
const MGMT = '/management/v1/policies/login';
const EVENTS = '/admin/v1/events/_search';

const OTP = 'SECOND_FACTOR_TYPE_OTP';
const U2F = 'SECOND_FACTOR_TYPE_U2F';
const EMAIL = 'SECOND_FACTOR_TYPE_OTP_EMAIL';
const SMS = 'SECOND_FACTOR_TYPE_OTP_SMS';
const PASSKEY = 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION';

for (const database of DATABASES) {
  describe(`declarative factor sets on ${database}`, () => {
    let app: TestApp;
    let owner: string;

    before(async () => {
      app = await TestApp.start({ database, env: { GRPC_PORT: String(await freePort()) } });
      owner = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'reconciler' });
    });
    after(() => app.close());

    /** The events after `position`, as `type payload-type` lines. */
    const eventsAfter = async (position: number) => {
      const page = await app.request('POST', EVENTS, { token: owner, body: { asc: true, position, limit: 1000 } });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      return (page.body.events as { type: string; aggregateId: string; payload: Record<string, unknown> }[]).map(
        (event) => `${event.aggregateId} ${event.type} ${JSON.stringify(event.payload)}`,
      );
    };
    const lastPosition = async () => {
      const page = await app.request('POST', EVENTS, { token: owner, body: { limit: 1 } });
      return Number(page.body.events[0]?.position ?? 0);
    };
    const set = (path: string, body: object, orgId?: string, headers: Record<string, string> = {}) =>
      app.request('PUT', path, { token: owner, body, headers: { ...(orgId ? orgHeader(orgId) : {}), ...headers } });

    it('instance default: some → other applies exactly the difference (removals, then additions) in one call; same → same answers 200 with no event', async () => {
      const start = await lastPosition();
      const changed = await set(DEFAULT_SET, { secondFactors: [OTP, EMAIL], multiFactors: [PASSKEY] });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.deepEqual(changed.body.added, { secondFactors: [EMAIL], multiFactors: [] });
      assert.deepEqual(changed.body.removed, { secondFactors: [U2F], multiFactors: [] });
      const instanceId = changed.body.details.resourceOwner;
      assert.deepEqual(await eventsAfter(start), [
        `${instanceId} instance.policy.login.secondfactor.removed {"mfaType":2}`,
        `${instanceId} instance.policy.login.secondfactor.added {"mfaType":3}`,
      ]);
      const read = await app.request('GET', ADMIN, { token: owner });
      assert.deepEqual(read.body.policy.secondFactors, [OTP, EMAIL]);
      assert.equal(read.body.policy.details.sequence, changed.body.details.sequence);

      const again = await set(DEFAULT_SET, { secondFactors: [OTP, EMAIL, OTP], multiFactors: [PASSKEY] });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body.added, { secondFactors: [], multiFactors: [] });
      assert.deepEqual(again.body.removed, { secondFactors: [], multiFactors: [] });
      assert.equal(again.body.details.sequence, changed.body.details.sequence, 'the current sequence, unchanged');
      assert.equal((await eventsAfter(start)).length, 2, 'no event for a set that changes nothing');

      // back to the seed for the other tests
      assert.equal((await set(DEFAULT_SET, { secondFactors: [OTP, U2F], multiFactors: [PASSKEY] })).status, 200);
    });

    it('inheriting org: the set copies the default first (copy-on-write) and answers the difference to the default; the same set again is a no-op without a copy', async () => {
      const org = await createOrg(app, owner, 'Follower');
      const start = await lastPosition();
      const unchanged = await set(ORG_SET, { secondFactors: [OTP, U2F], multiFactors: [PASSKEY] }, org);
      assert.equal(unchanged.status, 200, JSON.stringify(unchanged.body));
      assert.deepEqual(unchanged.body.added, { secondFactors: [], multiFactors: [] });
      assert.deepEqual(await eventsAfter(start), [], 'the default\'s own set: no copy, no event');
      assert.equal((await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) })).body.isDefault, true);

      const copied = await set(ORG_SET, { secondFactors: [U2F, SMS], multiFactors: [PASSKEY] }, org);
      assert.equal(copied.status, 200, JSON.stringify(copied.body));
      assert.deepEqual(copied.body.added, { secondFactors: [SMS], multiFactors: [] });
      assert.deepEqual(copied.body.removed, { secondFactors: [OTP], multiFactors: [] });
      assert.equal(copied.body.details.resourceOwner, org);
      assert.ok(copied.body.details.creationDate, 'the copy was created by this call');
      const events = await eventsAfter(start);
      assert.match(events[0], new RegExp(`^${org} org\\.policy\\.login\\.added `), events.join('\n'));
      assert.deepEqual(events.slice(1), [
        // the copy of the default
        `${org} org.policy.login.secondfactor.added {"mfaType":1}`,
        `${org} org.policy.login.secondfactor.added {"mfaType":2}`,
        `${org} org.policy.login.multifactor.added {"mfaType":1}`,
        // the difference
        `${org} org.policy.login.secondfactor.removed {"mfaType":1}`,
        `${org} org.policy.login.secondfactor.added {"mfaType":4}`,
      ]);
      const read = await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) });
      assert.equal(read.body.isDefault, false);
      assert.deepEqual(read.body.policy.secondFactors, [U2F, SMS]);
      assert.deepEqual(read.body.policy.multiFactors, [PASSKEY]);
      const defaultRead = await app.request('GET', ADMIN, { token: owner });
      assert.deepEqual(defaultRead.body.policy.secondFactors, [OTP, U2F], 'the default is untouched');
    });

    it('empty → some on an org whose custom policy has no factor, and some → empty', async () => {
      const org = await createOrg(app, owner, 'Empty Start');
      assert.equal((await app.request('POST', MGMT, { token: owner, headers: orgHeader(org), body: { passwordlessType: 'PASSWORDLESS_TYPE_NOT_ALLOWED' } })).status, 200);
      const filled = await set(ORG_SET, { secondFactors: [EMAIL], multiFactors: [PASSKEY] }, org);
      assert.equal(filled.status, 200, JSON.stringify(filled.body));
      assert.deepEqual(filled.body.added, { secondFactors: [EMAIL], multiFactors: [PASSKEY] });
      assert.deepEqual(filled.body.removed, { secondFactors: [], multiFactors: [] });
      assert.equal(filled.body.details.creationDate, undefined, 'the policy existed');
      const emptied = await set(ORG_SET, {}, org);
      assert.equal(emptied.status, 200, JSON.stringify(emptied.body));
      assert.deepEqual(emptied.body.removed, { secondFactors: [EMAIL], multiFactors: [PASSKEY] });
      const read = await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) });
      assert.deepEqual([read.body.policy.secondFactors ?? [], read.body.policy.multiFactors ?? []], [[], []]);
    });

    it('refuses UNSPECIFIED, unknown names and a non-list with 400 naming SetLoginPolicyFactorsRequest, storing nothing', async () => {
      const start = await lastPosition();
      for (const body of [{ secondFactors: ['SECOND_FACTOR_TYPE_UNSPECIFIED'] }, { multiFactors: ['NOPE'] }, { secondFactors: OTP }, { allowLockout: 'yes' }]) {
        const refused = await set(DEFAULT_SET, body);
        assertError(refused, 400, 3);
        assert.match(refused.body.message, /^invalid SetLoginPolicyFactorsRequest\./);
      }
      assert.deepEqual(await eventsAfter(start), []);
    });

    it('gRPC: SetOrgLoginPolicyFactors answers the same shape, and an unknown org is 404 Org-n0tFd', async () => {
      const client = new GrpcTestClient(app.grpcAddress, 'factor-sets');
      try {
        const org = await createOrg(app, owner, 'Over gRPC');
        const answer = await client.call('SetOrgLoginPolicyFactors', { secondFactors: [OTP], multiFactors: [PASSKEY] }, { token: owner, orgId: org });
        assert.ok(answer.ok, JSON.stringify(answer));
        assert.deepEqual(answer.response.removed, { secondFactors: [U2F], multiFactors: [] });
        assert.deepEqual(answer.response.added, { secondFactors: [], multiFactors: [] });
        assert.equal(answer.response.details.resourceOwner, org);
        const unknown = await client.call('SetOrgLoginPolicyFactors', { secondFactors: [OTP] }, { token: owner, orgId: '999999999999999999' });
        assert.ok(!unknown.ok);
        assert.equal(unknown.error.code, 5);
        assert.equal((unknown.error.details[0] as { id?: string } | undefined)?.id, 'Org-n0tFd');
      } finally {
        client.close();
      }
    });

    it('20 concurrent conflicting sets on one org with the same If-Match: exactly one wins, the rest 412; the state equals the replay of the events', async () => {
      const org = await createOrg(app, owner, 'Contended');
      assert.equal((await set(ORG_SET, { secondFactors: [OTP], multiFactors: [PASSKEY] }, org)).status, 200);
      for (let round = 0; round < 3; round++) {
        const read = await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) });
        const etag = read.headers.get('etag');
        assert.equal(etag, `"${read.body.policy.details.sequence}"`);
        const wanted = [[OTP], [U2F], [EMAIL], [SMS], [OTP, U2F]];
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => set(ORG_SET, { secondFactors: wanted[i % wanted.length], multiFactors: [PASSKEY] }, org, { 'if-match': etag as string })),
        );
        const statuses = answers.map((answer) => answer.status);
        // a set equal to the current state changes nothing and needs no win
        const winners = answers.filter((answer) => answer.status === 200 && answer.body.details.sequence !== read.body.policy.details.sequence);
        assert.equal(winners.length, 1, `round ${round}: ${statuses.join(' ')}`);
        for (const answer of answers) {
          if (answer.status === 200) continue;
          assertError(answer, 412, 9, 'LPF-s3qMoved');
          assert.match(answer.body.message, new RegExp(`at sequence ${winners[0].body.details.sequence}, not ${read.body.policy.details.sequence}`));
        }
      }
      const call: ApiCall = async (method, path, body, orgId) => app.request(method, path, { token: owner, body, headers: orgId ? orgHeader(orgId) : {} });
      const { differences } = await differencesFromReplay(call, [org]);
      assert.deepEqual(differences, []);
    });
  });
}
