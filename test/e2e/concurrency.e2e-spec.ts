import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATABASES } from '../support/databases.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const BASE = '/admin/v1/policies/login';

for (const database of DATABASES) {
  describe(`concurrent commands on ${database}`, () => {
    it('50 simultaneous adds of the same factor, spread over two service instances on one database: one 200, 49 × 409', async () => {
      const first = await TestApp.start({ database });
      // a second, independent app (own connection pool) on the same database, like a second process
      const second = await TestApp.start({ dataDir: first.dataDir, databaseUrl: first.databaseUrl });
      try {
        const token = await developmentToken(first.config, { roles: ['IAM_OWNER'] });
        const apps = [first, second];
        const responses = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            apps[i % 2].request('POST', `${BASE}/second_factors`, { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' } }),
          ),
        );
        const statuses = responses.map((r) => r.status);
        assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses.join(',')}`);
        assert.equal(statuses.filter((s) => s === 409).length, 49, `statuses: ${statuses.join(',')}`);
        for (const response of responses.filter((r) => r.status === 409)) {
          assert.equal(response.body.details[0].id, 'INSTANCE-2B0ps');
        }
        const list = await second.request('POST', `${BASE}/second_factors/_search`, { token, body: {} });
        assert.deepEqual(list.body.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL']);
      } finally {
        await second.close({ keepData: true });
        await first.close();
      }
    });

    it('50 simultaneous adds and removes of factors keep the sequence gap-free', async () => {
      const app = await TestApp.start({ database });
      try {
        const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
        const start = Number((await app.request('GET', BASE, { token })).body.policy.details.sequence);
        // the default has OTP (1) and U2F (2): 13 removes of OTP, 13 adds and 12 removes of U2F, 12 adds of OTP_SMS (4)
        const calls = Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0
            ? { type: (i % 4) / 2 + 1, response: app.request('DELETE', `${BASE}/second_factors/${(i % 4) / 2 + 1}`, { token }) }
            : { type: (i % 4) + 1, response: app.request('POST', `${BASE}/second_factors`, { token, body: { type: (i % 4) + 1 } }) },
        );
        const responses = await Promise.all(calls.map((call) => call.response));
        const statuses = responses.map((r) => r.status).join(',');
        assert.ok(responses.every((r) => [200, 404, 409].includes(r.status)), statuses);
        // whatever the order: OTP is removed once, OTP_SMS added once, and U2F changes at least once
        const successesOf = (type: number) => responses.filter((r, i) => calls[i].type === type && r.status === 200).length;
        assert.equal(successesOf(1), 1, statuses);
        assert.equal(successesOf(4), 1, statuses);
        assert.ok(successesOf(2) >= 1, statuses);
        const sequences = responses.filter((r) => r.status === 200).map((r) => Number(r.body.details.sequence)).sort((a, b) => a - b);
        assert.deepEqual(sequences, Array.from({ length: sequences.length }, (_, i) => start + 1 + i));
        const after = Number((await app.request('GET', BASE, { token })).body.policy.details.sequence);
        assert.equal(after, start + sequences.length, 'no event without a 200');
      } finally {
        await app.close();
      }
    });

    it('50 simultaneous first factor adds on an org without a custom policy: materialised once, each factor added once', async () => {
      const first = await TestApp.start({ database });
      const second = await TestApp.start({ dataDir: first.dataDir, databaseUrl: first.databaseUrl });
      try {
        const token = await developmentToken(first.config, { roles: ['IAM_OWNER'] });
        const org = await createOrg(first, token, 'Racing');
        const apps = [first, second];
        // types 3 and 4 are new to the org; 1 and 2 come with the copy of the default
        const responses = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            apps[i % 2].request('POST', '/management/v1/policies/login/second_factors', {
              token,
              headers: orgHeader(org),
              body: { type: (i % 4) + 1 },
            }),
          ),
        );
        const byType = (type: number) => responses.filter((_, i) => (i % 4) + 1 === type).map((r) => r.status);
        assert.ok(byType(1).every((s) => s === 409) && byType(2).every((s) => s === 409), 'factors of the default answer 409');
        for (const type of [3, 4]) {
          const statuses = byType(type);
          assert.equal(statuses.filter((s) => s === 200).length, 1, `type ${type}: ${statuses.join(',')}`);
          assert.equal(statuses.filter((s) => s === 409).length, statuses.length - 1, `type ${type}: ${statuses.join(',')}`);
        }
        const events = await first.request('POST', '/admin/v1/events/_search', { token, body: { aggregateId: org, asc: true } });
        const types = events.body.events.map((e: { type: string; payload: { mfaType?: number } }) => `${e.type}:${e.payload.mfaType ?? ''}`);
        assert.equal(types.filter((t: string) => t === 'org.policy.login.added:').length, 1, types.join(' '));
        for (const type of [1, 2, 3, 4]) {
          assert.equal(types.filter((t: string) => t === `org.policy.login.secondfactor.added:${type}`).length, 1, types.join(' '));
        }
        const list = await second.request('POST', '/management/v1/policies/login/second_factors/_search', { token, headers: orgHeader(org) });
        assert.equal(list.body.result.length, 4);
        assert.deepEqual(new Set(list.body.result), new Set(['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL', 'SECOND_FACTOR_TYPE_OTP_SMS']));
      } finally {
        await second.close({ keepData: true });
        await first.close();
      }
    });
  });
}
