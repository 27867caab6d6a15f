import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../support/databases.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

for (const database of DATABASES) {
  describe(`read-path memos on ${database}: shared answers, never stale`, () => {
    let app: TestApp;
    let owner: string;
    let orgA: string;
    let orgB: string;

    before(async () => {
      app = await TestApp.start({ database });
      owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      orgA = await createOrg(app, owner, 'Memo A');
      orgB = await createOrg(app, owner, 'Memo B');
    });
    after(() => app.close());

    const list = async (orgId: string) => {
      const response = await app.request('POST', '/management/v1/policies/login/second_factors/_search', { token: owner, body: {}, headers: orgHeader(orgId) });
      assert.equal(response.status, 200);
      return response;
    };

    it('the same read answers the same bytes with the content type Fastify gives JSON', async () => {
      const [first, second] = [await list(orgA), await list(orgA)];
      assert.deepEqual(first.body, second.body);
      const served = await app.request('GET', `/admin/v1/orgs/${orgA}`, { token: owner });
      assert.equal(served.status, 200);
      assert.equal(first.headers.get('content-type'), served.headers.get('content-type'), 'as a route Nest serves');
      assert.equal(second.headers.get('content-length'), String(Buffer.byteLength(JSON.stringify(first.body))));
    });

    it('after a change, the next read shows it, for the changed org only; two orgs following the default share its answer', async () => {
      assert.deepEqual((await list(orgA)).body, (await list(orgB)).body, 'both inherit the default');
      for (let round = 0; round < 20; round++) {
        const add = round % 2 === 0;
        const change = add
          ? await app.request('POST', '/management/v1/policies/login/second_factors', { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, headers: orgHeader(orgA) })
          : await app.request('DELETE', '/management/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP_SMS', { token: owner, headers: orgHeader(orgA) });
        assert.equal(change.status, 200, JSON.stringify(change.body));
        assert.equal((await list(orgA)).body.result.includes('SECOND_FACTOR_TYPE_OTP_SMS'), add, `round ${round}`);
        assert.deepEqual((await list(orgB)).body.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
      }
      const policy = await app.request('GET', '/management/v1/policies/login', { token: owner, headers: orgHeader(orgA) });
      assert.equal(policy.body.policy.isDefault, false);
      assert.deepEqual(policy.body.policy.secondFactors, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
    });

    it('each read of one org answers its own message and ETag (an org is kept once per answer), and a removed org none', async () => {
      const org = await createOrg(app, owner, 'Memo C');
      const asOrg = { token: owner, headers: orgHeader(org) };
      const reads = {
        second: () => app.request('POST', '/management/v1/policies/login/second_factors/_search', { ...asOrg, body: {} }),
        multi: () => app.request('POST', '/management/v1/policies/login/multi_factors/_search', { ...asOrg, body: {} }),
        policy: () => app.request('GET', '/management/v1/policies/login', asOrg),
        defaultPolicy: () => app.request('GET', '/management/v1/policies/default/login', asOrg),
        settings: () => app.request('GET', `/v2/settings/login?ctx.orgId=${org}`, { token: owner }),
      };
      const defaultMulti = (await reads.defaultPolicy()).body.policy.multiFactors;
      const added = await app.request('POST', '/management/v1/policies/login/second_factors', { ...asOrg, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const sequence = added.body.details.sequence;
      const own = ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_SMS'];
      // twice in turn: the second round is answered from what the first kept, each read its own
      for (let round = 0; round < 2; round++) {
        const second = await reads.second();
        assert.deepEqual(second.body.result, own, `round ${round}`);
        assert.equal(second.body.details.processedSequence, sequence);
        assert.equal(second.headers.get('etag'), `"${sequence}"`);
        const multi = await reads.multi();
        assert.deepEqual(multi.body.result, defaultMulti, `round ${round}: copied from the default`);
        assert.equal(multi.headers.get('etag'), `"${sequence}"`);
        const policy = await reads.policy();
        assert.equal(policy.body.policy.isDefault, false);
        assert.deepEqual(policy.body.policy.secondFactors, own);
        assert.equal(policy.headers.get('etag'), `"${sequence}"`);
        const defaultPolicy = await reads.defaultPolicy();
        assert.equal(defaultPolicy.body.policy.isDefault, true);
        assert.deepEqual(defaultPolicy.body.policy.secondFactors, own.slice(0, 2));
        assert.equal(defaultPolicy.headers.get('etag'), `"${defaultPolicy.body.policy.details.sequence}"`);
        assert.notEqual(defaultPolicy.body.policy.details.sequence, sequence, "the default's own version");
        const settings = await reads.settings();
        assert.equal(settings.status, 200, JSON.stringify(settings.body));
        assert.deepEqual(settings.body.settings.secondFactors, own);
      }
      const removed = await app.request('DELETE', '/management/v1/orgs/me', asOrg);
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      for (const [name, read] of Object.entries(reads)) {
        const answer = await read();
        assert.equal(answer.status, 404, `${name}: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.headers.get('etag'), null, name);
      }
    });
  });
}
