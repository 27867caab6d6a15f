import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError } from '../support/assertions.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

interface Endpoint {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  /** Only readers' permission (policy.read / org.read) needed. */
  read: boolean;
}

const P = '/management/v1/policies';
// every org-scoped Management endpoint, with an input that is valid so only access decides
const ENDPOINTS: Endpoint[] = [
  { name: 'GetLoginPolicy', method: 'GET', path: `${P}/login`, read: true },
  { name: 'GetDefaultLoginPolicy', method: 'GET', path: `${P}/default/login`, read: true },
  { name: 'ListLoginPolicySecondFactors', method: 'POST', path: `${P}/login/second_factors/_search`, body: {}, read: true },
  { name: 'ListLoginPolicyMultiFactors', method: 'POST', path: `${P}/login/auth_factors/_search`, body: {}, read: true },
  { name: 'ListLoginPolicyMultiFactors (alias)', method: 'POST', path: `${P}/login/multi_factors/_search`, body: {}, read: true },
  { name: 'GetMyOrg', method: 'GET', path: '/management/v1/orgs/me', read: true },
  { name: 'AddCustomLoginPolicy', method: 'POST', path: `${P}/login`, body: { allowUsernamePassword: true }, read: false },
  { name: 'UpdateCustomLoginPolicy', method: 'PUT', path: `${P}/login`, body: { forceMfa: true }, read: false },
  { name: 'AddSecondFactorToLoginPolicy', method: 'POST', path: `${P}/login/second_factors`, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, read: false },
  { name: 'RemoveSecondFactorFromLoginPolicy', method: 'DELETE', path: `${P}/login/second_factors/SECOND_FACTOR_TYPE_OTP_SMS`, read: false },
  { name: 'AddMultiFactorToLoginPolicy', method: 'POST', path: `${P}/login/multi_factors`, body: { type: 1 }, read: false },
  { name: 'RemoveMultiFactorFromLoginPolicy', method: 'DELETE', path: `${P}/login/multi_factors/1`, read: false },
  { name: 'ResetLoginPolicyToDefault', method: 'DELETE', path: `${P}/login`, read: false },
  { name: 'RemoveOrg', method: 'DELETE', path: '/management/v1/orgs/me', read: false },
];

describe('Management API permission matrix', () => {
  let app: TestApp;
  let iamOwner: string;
  let orgA: string;
  let orgB: string;
  let removedOrg: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    app = await TestApp.start();
    iamOwner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    orgA = await createOrg(app, iamOwner, 'A');
    orgB = await createOrg(app, iamOwner, 'B');
    removedOrg = await createOrg(app, iamOwner, 'Removed');
    assert.equal((await app.request('DELETE', '/management/v1/orgs/me', { token: iamOwner, headers: orgHeader(removedOrg) })).status, 200);
    tokens.ownerOfA = await developmentToken(app.config, { roles: [`ORG_OWNER:${orgA}`], org: orgA });
    tokens.viewerOfA = await developmentToken(app.config, { roles: [`ORG_OWNER_VIEWER:${orgA}`], org: orgA });
    tokens.noRoles = await developmentToken(app.config, { org: orgA });
  });
  after(() => app.close());

  /** Calls the endpoint; RemoveOrg acts on a fresh org so the matrix keeps its orgs. */
  async function call(endpoint: Endpoint, token: string, orgId: string) {
    return app.request(endpoint.method, endpoint.path, { token, headers: orgHeader(orgId), body: endpoint.body });
  }

  const permitted = (status: number) => status !== 401 && status !== 403 && status !== 500;

  for (const endpoint of ENDPOINTS) {
    describe(endpoint.name, () => {
      it('IAM_OWNER may call it on any org', async () => {
        const target = endpoint.name === 'RemoveOrg' ? await createOrg(app, iamOwner, 'fresh') : orgB;
        const response = await call(endpoint, iamOwner, target);
        assert.ok(permitted(response.status), `${response.status} ${JSON.stringify(response.body)}`);
        assert.notEqual(response.body.details?.[0]?.id, 'Org-n0tFd');
      });

      it('ORG_OWNER of A may call it on A (own org from the token, no header)', async () => {
        if (endpoint.name === 'RemoveOrg') {
          const fresh = await createOrg(app, iamOwner, 'fresh');
          const ownerOfFresh = await developmentToken(app.config, { roles: [`ORG_OWNER:${fresh}`], org: fresh });
          assert.equal((await app.request('DELETE', endpoint.path, { token: ownerOfFresh })).status, 200);
          return;
        }
        const response = await app.request(endpoint.method, endpoint.path, { token: tokens.ownerOfA, body: endpoint.body });
        assert.ok(permitted(response.status), `${response.status} ${JSON.stringify(response.body)}`);
      });

      it('ORG_OWNER of A gets 403 on B', async () => {
        assertError(await call(endpoint, tokens.ownerOfA, orgB), 403, 7, 'AUTH-5mWD2');
      });

      it(`ORG_OWNER_VIEWER of A ${endpoint.read ? 'may read' : 'gets 403 writing'}`, async () => {
        const response = await call(endpoint, tokens.viewerOfA, orgA);
        if (endpoint.read) assert.ok(permitted(response.status), `${response.status}`);
        else assertError(response, 403, 7, 'AUTH-5mWD2');
      });

      it('a token without roles gets 403', async () => {
        assertError(await call(endpoint, tokens.noRoles, orgA), 403, 7, 'AUTH-5mWD2');
      });

      it('an unknown org is 404 Org-n0tFd for IAM_OWNER but 403 for the owner of another org', async () => {
        assertError(await call(endpoint, iamOwner, '999999999999'), 404, 5, 'Org-n0tFd');
        assertError(await call(endpoint, tokens.ownerOfA, '999999999999'), 403, 7, 'AUTH-5mWD2');
      });

      it('a removed org is 404 Org-n0tFd', async () => {
        assertError(await call(endpoint, iamOwner, removedOrg), 404, 5, 'Org-n0tFd');
      });

      it('without any org (no header, no org in the token) the answer is 400', async () => {
        const response = await app.request(endpoint.method, endpoint.path, { token: iamOwner, body: endpoint.body });
        assertError(response, 400, 3);
        assert.equal(response.body.details[0].fieldViolations[0].field, 'x-zitadel-orgid');
      });
    });
  }

  it('AddOrg needs org.create on the instance: IAM_ORG_MANAGER may, ORG_OWNER may not', async () => {
    const manager = await developmentToken(app.config, { roles: ['IAM_ORG_MANAGER'] });
    assert.equal((await app.request('POST', '/management/v1/orgs', { token: manager, body: { name: 'By manager' } })).status, 200);
    assertError(await app.request('POST', '/management/v1/orgs', { token: tokens.ownerOfA, body: { name: 'x' } }), 403, 7, 'AUTH-5mWD2');
  });

  it('the Admin org and event reads need instance permissions', async () => {
    const viewer = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
    const loginClient = await developmentToken(app.config, { roles: ['IAM_LOGIN_CLIENT'] });
    assert.equal((await app.request('POST', '/admin/v1/events/_search', { token: viewer })).status, 200);
    assert.equal((await app.request('POST', '/admin/v1/orgs/_search', { token: viewer })).status, 200);
    assertError(await app.request('POST', '/admin/v1/events/_search', { token: loginClient }), 403, 7, 'AUTH-5mWD2');
    assertError(await app.request('GET', `/admin/v1/orgs/${orgA}`, { token: tokens.ownerOfA }), 403, 7, 'AUTH-5mWD2');
  });
});
