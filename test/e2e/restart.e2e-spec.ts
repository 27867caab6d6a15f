import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { DATABASES } from '../support/databases.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const BASE = '/admin/v1/policies/login';

for (const database of DATABASES) {
  describe(`restart on ${database}`, () => {
    it('changes, the instance id and the development key survive a restart; the default is not seeded twice', async () => {
      const first = await TestApp.start({ database });
      const token = await developmentToken(first.config, { roles: ['IAM_OWNER'] });
      const added = await first.request('POST', `${BASE}/second_factors`, { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } });
      assert.equal(added.status, 200);
      const before = (await first.request('GET', BASE, { token })).body.policy;
      await first.close({ keepData: true });

      const second = await TestApp.start({ dataDir: first.dataDir, databaseUrl: first.databaseUrl });
      try {
        const after = await second.request('GET', BASE, { token });
        assert.equal(after.status, 200, 'a token minted before the restart is still valid');
        assert.deepEqual(after.body.policy, before);
        assert.equal(after.body.policy.details.resourceOwner, added.body.details.resourceOwner);
        assert.deepEqual(after.body.policy.secondFactors, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_SMS']);
      } finally {
        await second.close({ keepData: true });
        await first.close();
        await rm(first.dataDir, { recursive: true, force: true });
      }
    });
  });
}

describe('INSTANCE_ID', () => {
  it('is used on first start and kept; a different INSTANCE_ID later stops start-up with a clear message', async () => {
    const first = await TestApp.start({ env: { INSTANCE_ID: '69629023906488334' } });
    const token = await developmentToken(first.config, { roles: ['IAM_OWNER'] });
    assert.equal((await first.request('GET', BASE, { token })).body.policy.details.resourceOwner, '69629023906488334');
    await first.close({ keepData: true });
    try {
      await assert.rejects(TestApp.start({ dataDir: first.dataDir, env: { INSTANCE_ID: '123' } }), /INSTANCE_ID is 123 but the database belongs to instance 69629023906488334/);
    } finally {
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });
});
