import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATABASES } from '../support/databases.js';
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

    it('50 simultaneous adds of different factors and settings changes keep the sequence gap-free', async () => {
      const app = await TestApp.start({ database });
      try {
        const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
        const start = Number((await app.request('GET', BASE, { token })).body.policy.details.sequence);
        const calls = Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0
            ? app.request('DELETE', `${BASE}/second_factors/${(i % 4) / 2 + 1}`, { token })
            : app.request('POST', `${BASE}/second_factors`, { token, body: { type: (i % 4) + 1 } }),
        );
        const responses = await Promise.all(calls);
        assert.ok(responses.every((r) => [200, 404, 409].includes(r.status)), responses.map((r) => r.status).join(','));
        const sequences = responses.filter((r) => r.status === 200).map((r) => Number(r.body.details.sequence)).sort((a, b) => a - b);
        assert.deepEqual(sequences, Array.from({ length: sequences.length }, (_, i) => start + 1 + i));
      } finally {
        await app.close();
      }
    });
  });
}
