import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RFC3339_MS, assertError, assertInvalidArgument } from '../support/assertions.js';
import { DATABASES } from '../support/databases.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const MGMT = '/management/v1/policies/login';
const ADMIN = '/admin/v1/policies/login';

for (const database of DATABASES) {
  describe(`Management API login policy on ${database}`, () => {
    let app: TestApp;
    let owner: string;
    let instanceId: string;

    before(async () => {
      app = await TestApp.start({ database });
      owner = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'iam-admin' });
      instanceId = (await app.request('GET', ADMIN, { token: owner })).body.policy.details.resourceOwner;
    });
    after(() => app.close());

    const list = async (orgId: string, kind: 'second_factors' | 'auth_factors' = 'second_factors') =>
      (await app.request('POST', `${MGMT}/${kind}/_search`, { token: owner, headers: orgHeader(orgId), body: {} })).body;

    it('inheritance: default → copy-on-write → independent → reset follows the default again', async () => {
      const org = await createOrg(app, owner, 'Inheritance Inc');

      // a new org lists the default factors, isDefault true
      const first = await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) });
      assert.equal(first.status, 200);
      assert.equal(first.body.isDefault, true);
      assert.equal(first.body.policy.isDefault, true);
      assert.equal(first.body.policy.details.resourceOwner, instanceId);
      assert.deepEqual((await list(org)).result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);

      // the instance adds OTP_EMAIL → the org sees it
      assert.equal((await app.request('POST', `${ADMIN}/second_factors`, { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' } })).status, 200);
      assert.deepEqual((await list(org)).result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL']);

      // the org adds OTP_SMS → its custom policy holds the default's factors plus OTP_SMS
      const added = await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(org), body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.equal(added.body.details.resourceOwner, org);
      const custom = await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) });
      assert.equal(custom.body.isDefault, false);
      assert.equal(custom.body.policy.isDefault, false);
      assert.equal(custom.body.policy.details.resourceOwner, org);
      assert.equal(custom.body.policy.details.sequence, added.body.details.sequence);
      assert.deepEqual(custom.body.policy.secondFactors, [
        'SECOND_FACTOR_TYPE_OTP',
        'SECOND_FACTOR_TYPE_U2F',
        'SECOND_FACTOR_TYPE_OTP_EMAIL',
        'SECOND_FACTOR_TYPE_OTP_SMS',
      ]);
      assert.deepEqual(custom.body.policy.multiFactors, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);

      // the instance removes U2F → the org's list does not change
      assert.equal((await app.request('DELETE', `${ADMIN}/second_factors/SECOND_FACTOR_TYPE_U2F`, { token: owner })).status, 200);
      assert.deepEqual((await list(org)).result, custom.body.policy.secondFactors);

      // reset → the org follows the default again
      const reset = await app.request('DELETE', MGMT, { token: owner, headers: orgHeader(org) });
      assert.equal(reset.status, 200);
      assert.equal(reset.body.details.resourceOwner, org);
      assert.deepEqual((await list(org)).result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_OTP_EMAIL']);
      assert.equal((await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) })).body.isDefault, true);
      assertError(await app.request('DELETE', MGMT, { token: owner, headers: orgHeader(org) }), 404, 5, 'Org-GHB37');

      // restore the default for the other tests
      assert.equal((await app.request('POST', `${ADMIN}/second_factors`, { token: owner, body: { type: 2 } })).status, 200);
      assert.equal((await app.request('DELETE', `${ADMIN}/second_factors/3`, { token: owner })).status, 200);
    });

    it('the seed example works verbatim on the caller\'s own org (org from the token claim)', async () => {
      const org = await createOrg(app, owner, 'Seed Example');
      const token = await developmentToken(app.config, { roles: [`ORG_OWNER:${org}`], org });
      const response = await app.request('POST', `${MGMT}/second_factors`, {
        token,
        rawBody: '{"type": "SECOND_FACTOR_TYPE_OTP"}',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      });
      // OTP is on the default, so the copy already holds it: 409 — then a factor it lacks: 200
      assertError(response, 409, 6, 'Org-2B0ps');
      const added = await app.request('POST', `${MGMT}/second_factors`, {
        token,
        rawBody: '{"type": "SECOND_FACTOR_TYPE_OTP_SMS"}',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      });
      assert.equal(added.status, 200);
      assert.deepEqual(Object.keys(added.body.details), ['sequence', 'creationDate', 'changeDate', 'resourceOwner']);
      assert.match(added.body.details.sequence, /^\d+$/);
      assert.match(added.body.details.creationDate, RFC3339_MS);
      assert.match(added.body.details.changeDate, RFC3339_MS);
      assert.equal(added.body.details.resourceOwner, org);
    });

    it('a failed first change leaves no copy behind (409 on a default factor)', async () => {
      const org = await createOrg(app, owner, 'No Copy');
      assertError(await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(org), body: { type: 1 } }), 409, 6, 'Org-2B0ps');
      assertError(await app.request('DELETE', `${MGMT}/multi_factors/1`, { token: owner, headers: orgHeader(org) }).then(async (removed) => {
        assert.equal(removed.status, 200);
        return app.request('DELETE', `${MGMT}/multi_factors/1`, { token: owner, headers: orgHeader(org) });
      }), 404, 5, 'Org-3M9df');
      const other = await createOrg(app, owner, 'No Copy 2');
      assertError(await app.request('DELETE', `${MGMT}/second_factors/SECOND_FACTOR_TYPE_OTP_SMS`, { token: owner, headers: orgHeader(other) }), 404, 5, 'Org-3M9od');
      assert.equal((await app.request('GET', MGMT, { token: owner, headers: orgHeader(other) })).body.isDefault, true);
      const events = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateId: other } });
      assert.deepEqual(events.body.events.map((e: { type: string }) => e.type), ['org.added']);
    });

    it('multi factors on an org: list by both paths, add twice → 409 Org-3M9od', async () => {
      const org = await createOrg(app, owner, 'Multi');
      assert.deepEqual((await list(org, 'auth_factors')).result, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);
      const alias = await app.request('POST', `${MGMT}/multi_factors/_search`, { token: owner, headers: orgHeader(org) });
      assert.deepEqual(alias.body.result, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);
      assertError(await app.request('POST', `${MGMT}/multi_factors`, { token: owner, headers: orgHeader(org), body: { type: 1 } }), 409, 6, 'Org-3M9od');
      assertInvalidArgument(await app.request('POST', `${MGMT}/multi_factors`, { token: owner, headers: orgHeader(org), body: { type: 0 } }), 'type');
    });

    it('AddCustomLoginPolicy stores exactly the given factors once each; a second one is 409 Org-Dgfb2', async () => {
      const org = await createOrg(app, owner, 'Custom');
      const response = await app.request('POST', MGMT, {
        token: owner,
        headers: orgHeader(org),
        body: {
          allowUsernamePassword: true,
          passwordlessType: 'PASSWORDLESS_TYPE_NOT_ALLOWED',
          passwordCheckLifetime: '3600s',
          secondFactors: ['SECOND_FACTOR_TYPE_OTP_SMS', 4, 'SECOND_FACTOR_TYPE_OTP'],
          multiFactors: [],
          idps: [],
        },
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const policy = (await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) })).body.policy;
      assert.equal(policy.isDefault, false);
      assert.deepEqual(policy.secondFactors, ['SECOND_FACTOR_TYPE_OTP_SMS', 'SECOND_FACTOR_TYPE_OTP']);
      assert.deepEqual(policy.multiFactors, []);
      assert.equal(policy.passwordCheckLifetime, '3600s');
      assert.equal(policy.allowRegister, false);
      assert.equal(policy.details.sequence, response.body.details.sequence);
      const events = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateId: org, asc: true } });
      assert.deepEqual(
        events.body.events.map((e: { type: string; payload: { mfaType?: number } }) => [e.type, e.payload.mfaType]),
        [
          ['org.added', undefined],
          ['org.policy.login.added', undefined],
          ['org.policy.login.secondfactor.added', 4],
          ['org.policy.login.secondfactor.added', 1],
        ],
      );
      assert.equal(response.body.details.sequence, events.body.events[3].sequence);
      assertError(await app.request('POST', MGMT, { token: owner, headers: orgHeader(org), body: {} }), 409, 6, 'Org-Dgfb2');
    });

    it('AddCustomLoginPolicy with UNSPECIFIED answers 400 and stores nothing (no policy, no event)', async () => {
      const org = await createOrg(app, owner, 'Unspecified');
      const response = await app.request('POST', MGMT, {
        token: owner,
        headers: orgHeader(org),
        body: { allowUsernamePassword: true, secondFactors: ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_UNSPECIFIED'] },
      });
      assertInvalidArgument(response, 'secondFactors', 'invalid AddCustomLoginPolicyRequest.SecondFactors: ');
      assertInvalidArgument(
        await app.request('POST', MGMT, { token: owner, headers: orgHeader(org), body: { multiFactors: [0] } }),
        'multiFactors',
      );
      assert.equal((await app.request('GET', MGMT, { token: owner, headers: orgHeader(org) })).body.isDefault, true);
      const events = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateId: org } });
      assert.deepEqual(events.body.events.map((e: { type: string }) => e.type), ['org.added']);
    });

    it('UpdateCustomLoginPolicy: 404 Org-M0sif without a custom policy, 400 Org-5M9vdd when nothing changes', async () => {
      const org = await createOrg(app, owner, 'Update');
      assertError(await app.request('PUT', MGMT, { token: owner, headers: orgHeader(org), body: { forceMfa: true } }), 404, 5, 'Org-M0sif');
      assert.equal((await app.request('POST', MGMT, { token: owner, headers: orgHeader(org), body: { forceMfa: true } })).status, 200);
      const changed = await app.request('PUT', MGMT, { token: owner, headers: orgHeader(org), body: { forceMfa: true, allowRegister: true } });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.details.resourceOwner, org);
      assertError(await app.request('PUT', MGMT, { token: owner, headers: orgHeader(org), body: { forceMfa: true, allowRegister: true } }), 400, 9, 'Org-5M9vdd');
      assertInvalidArgument(await app.request('PUT', MGMT, { token: owner, headers: orgHeader(org), body: { defaultRedirectUri: 'nope' } }), 'defaultRedirectUri');
    });

    it('GetDefaultLoginPolicy answers the instance default with isDefault true', async () => {
      const org = await createOrg(app, owner, 'Default Reader');
      const response = await app.request('GET', '/management/v1/policies/default/login', { token: owner, headers: orgHeader(org) });
      assert.equal(response.status, 200);
      assert.deepEqual(Object.keys(response.body), ['policy']);
      assert.equal(response.body.policy.isDefault, true);
      assert.equal(response.body.policy.details.resourceOwner, instanceId);
    });

    it('orgs: AddOrg validates the name, GetMyOrg reads it, RemoveOrg makes later calls 404 Org-n0tFd', async () => {
      assertInvalidArgument(await app.request('POST', '/management/v1/orgs', { token: owner, body: {} }), 'name', 'invalid AddOrgRequest.Name: ');
      assertInvalidArgument(await app.request('POST', '/management/v1/orgs', { token: owner, body: { name: '  ' } }), 'name');
      assertInvalidArgument(await app.request('POST', '/management/v1/orgs', { token: owner, body: { name: 'x'.repeat(201) } }), 'name');

      const created = await app.request('POST', '/management/v1/orgs', { token: owner, body: { name: ' Removable ' } });
      assert.equal(created.status, 200);
      assert.match(created.body.id, /^\d+$/);
      assert.equal(created.body.details.resourceOwner, created.body.id);
      const org = created.body.id;
      const me = await app.request('GET', '/management/v1/orgs/me', { token: owner, headers: orgHeader(org) });
      assert.deepEqual(me.body.org, { id: org, details: created.body.details, state: 'ORG_STATE_ACTIVE', name: 'Removable' });
      assert.deepEqual((await app.request('GET', `/admin/v1/orgs/${org}`, { token: owner })).body.org, me.body.org);

      assert.equal((await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(org), body: { type: 4 } })).status, 200);
      const removed = await app.request('DELETE', '/management/v1/orgs/me', { token: owner, headers: orgHeader(org) });
      assert.equal(removed.status, 200);
      assert.equal(removed.body.details.resourceOwner, org);
      assertError(await app.request('GET', '/management/v1/orgs/me', { token: owner, headers: orgHeader(org) }), 404, 5, 'Org-n0tFd');
      assertError(await app.request('POST', `${MGMT}/second_factors/_search`, { token: owner, headers: orgHeader(org) }), 404, 5, 'Org-n0tFd');
      assertError(await app.request('GET', `/admin/v1/orgs/${org}`, { token: owner }), 404, 5, 'Org-n0tFd');
      const events = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateId: org, asc: true } });
      assert.deepEqual(events.body.events.slice(-2).map((e: { type: string }) => e.type), ['org.policy.login.removed', 'org.removed']);
    });

    it('AddOrg refuses a name holding a control character (NUL, other C0 controls, DEL, C1) with a field violation on name', async () => {
      for (const name of ['AC\u0000ME', 'ACME\u0000', 'AC\nME', '\tACME', 'AC\u001fME', 'AC\u007fME', 'AC\u0085ME']) {
        const response = await app.request('POST', '/management/v1/orgs', { token: owner, body: { name } });
        assertInvalidArgument(response, 'name', 'invalid AddOrgRequest.Name: value must not contain control characters');
      }
      const other = await app.request('POST', '/management/v1/orgs', { token: owner, body: { name: 'S\u00fcd \u2013 ACME \u2713' } });
      assert.equal(other.status, 200, JSON.stringify(other.body));
    });

    it('AddOrg refuses a name with an unpaired surrogate (it has no UTF-8 form) and keeps one with a surrogate pair', async () => {
      for (const name of ['\ud800', 'AC\udc00ME', 'ACME \ud83d']) {
        const response = await app.request('POST', '/management/v1/orgs', { token: owner, body: { name } });
        assertInvalidArgument(response, 'name', 'invalid AddOrgRequest.Name: value must be well-formed Unicode text');
      }
      const paired = await app.request('POST', '/management/v1/orgs', { token: owner, body: { name: 'ACME \ud83d\ude00' } });
      assert.equal(paired.status, 200, JSON.stringify(paired.body));
      const read = await app.request('GET', `/admin/v1/orgs/${paired.body.id}`, { token: owner });
      assert.equal(read.body.org.name, 'ACME \ud83d\ude00');
    });

    it('ListOrgs pages through active orgs, oldest first', async () => {
      const all = await app.request('POST', '/admin/v1/orgs/_search', { token: owner });
      assert.equal(all.status, 200);
      const total = Number(all.body.details.totalResult);
      assert.ok(total >= 5);
      assert.equal(all.body.result.length, total);
      const pages = [];
      for (let offset = 0; offset < total; offset += 2) {
        const page = await app.request('POST', '/admin/v1/orgs/_search', { token: owner, body: { query: { offset: String(offset), limit: 2, asc: true } } });
        pages.push(...page.body.result.map((o: { id: string }) => o.id));
      }
      assert.deepEqual(pages, all.body.result.map((o: { id: string }) => o.id));
      assert.ok(all.body.result.every((o: { state: string }) => o.state === 'ORG_STATE_ACTIVE'));
      assertInvalidArgument(await app.request('POST', '/admin/v1/orgs/_search', { token: owner, body: { query: { limit: 5000 } } }), 'query.limit');
    });

    it('ListEvents: a scenario\'s events in order with types, aggregates, sequences and payloads; paging returns each once', async () => {
      const org = await createOrg(app, owner, 'Events');
      const h = orgHeader(org);
      await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: h, body: { type: 3 } });
      await app.request('DELETE', `${MGMT}/second_factors/1`, { token: owner, headers: h });
      await app.request('DELETE', `${MGMT}/multi_factors/1`, { token: owner, headers: h });
      await app.request('POST', `${MGMT}/multi_factors`, { token: owner, headers: h, body: { type: 1 } });
      await app.request('DELETE', MGMT, { token: owner, headers: h });

      const response = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateTypes: ['org'], aggregateId: org, asc: true } });
      assert.equal(response.status, 200);
      const events = response.body.events;
      assert.deepEqual(
        events.map((e: { type: string; sequence: string; payload: { mfaType?: number } }) => [e.sequence, e.type, e.payload.mfaType]),
        [
          ['1', 'org.added', undefined],
          ['2', 'org.policy.login.added', undefined],
          ['3', 'org.policy.login.secondfactor.added', 1],
          ['4', 'org.policy.login.secondfactor.added', 2],
          ['5', 'org.policy.login.multifactor.added', 1],
          ['6', 'org.policy.login.secondfactor.added', 3],
          ['7', 'org.policy.login.secondfactor.removed', 1],
          ['8', 'org.policy.login.multifactor.removed', 1],
          ['9', 'org.policy.login.multifactor.added', 1],
          ['10', 'org.policy.login.removed', undefined],
        ],
      );
      for (const event of events) {
        assert.deepEqual(Object.keys(event), ['id', 'instanceId', 'aggregateType', 'aggregateId', 'sequence', 'position', 'type', 'payload', 'creator', 'createdAt']);
        assert.equal(event.aggregateType, 'org');
        assert.equal(event.aggregateId, org);
        assert.equal(event.instanceId, instanceId);
        assert.equal(event.creator, 'iam-admin');
        assert.match(event.createdAt, RFC3339_MS);
      }
      assert.deepEqual(events[1].payload.secondFactors, undefined);
      assert.equal(events[1].payload.passwordCheckLifetime, 864000);

      // newest first by default
      const newest = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateId: org, limit: 1 } });
      assert.equal(newest.body.events[0].type, 'org.policy.login.removed');

      // only some types
      const removals = await app.request('POST', '/admin/v1/events/_search', {
        token: owner,
        body: { aggregateId: org, eventTypes: ['org.policy.login.secondfactor.removed', 'org.policy.login.multifactor.removed'], asc: true },
      });
      assert.deepEqual(removals.body.events.map((e: { sequence: string }) => e.sequence), ['7', '8']);

      // page by sequence within the aggregate, both directions
      const bySequence: string[] = [];
      let sequence = 0;
      for (;;) {
        const page = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateId: org, sequence, limit: 3, asc: true } });
        if (page.body.events.length === 0) break;
        bySequence.push(...page.body.events.map((e: { sequence: string }) => e.sequence));
        sequence = Number(page.body.events.at(-1).sequence);
      }
      assert.deepEqual(bySequence, events.map((e: { sequence: string }) => e.sequence));
      const backwards = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateId: org, sequence: 4, asc: false } });
      assert.deepEqual(backwards.body.events.map((e: { sequence: string }) => e.sequence), ['3', '2', '1']);

      // page by position across all aggregates: every event exactly once, in global order
      const everything = (await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { asc: true, limit: 1000 } })).body.events;
      const byPosition: string[] = [];
      let position = 0;
      for (;;) {
        const page = await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { position, limit: 7, asc: true } });
        if (page.body.events.length === 0) break;
        byPosition.push(...page.body.events.map((e: { id: string }) => e.id));
        position = Number(page.body.events.at(-1).position);
      }
      assert.deepEqual(byPosition, everything.map((e: { id: string }) => e.id));
      assert.equal(new Set(byPosition).size, byPosition.length);
      const positions = byPosition.map(Number);
      assert.deepEqual([...positions].sort((a, b) => a - b), positions);

      assertInvalidArgument(await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { aggregateTypes: ['user'] } }), 'aggregateTypes');
      assertInvalidArgument(await app.request('POST', '/admin/v1/events/_search', { token: owner, body: { limit: -1 } }), 'limit');
    });
  });
}
