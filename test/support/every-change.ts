import assert from 'node:assert/strict';
import { createOrg, orgHeader } from './orgs.js';
import { TestApp } from './test-app.js';

const ADMIN = '/admin/v1/policies/login';
const MGMT = '/management/v1/policies/login';

/** Every event type a change can produce (SPEC §8; the seed makes instance.added). */
export const EVENT_TYPES = [
  'instance.added',
  'instance.policy.login.added',
  'instance.policy.login.changed',
  'instance.policy.login.secondfactor.added',
  'instance.policy.login.secondfactor.removed',
  'instance.policy.login.multifactor.added',
  'instance.policy.login.multifactor.removed',
  'org.added',
  'org.removed',
  'org.policy.login.added',
  'org.policy.login.changed',
  'org.policy.login.removed',
  'org.policy.login.secondfactor.added',
  'org.policy.login.secondfactor.removed',
  'org.policy.login.multifactor.added',
  'org.policy.login.multifactor.removed',
];

const SETTINGS = {
  allowUsernamePassword: true,
  allowRegister: false,
  allowExternalIdp: true,
  forceMfa: true,
  passwordlessType: 'PASSWORDLESS_TYPE_ALLOWED',
  passwordCheckLifetime: '864000s',
  externalLoginCheckLifetime: '864000s',
  mfaInitSkipLifetime: '2592000s',
  secondFactorCheckLifetime: '64800s',
  multiFactorCheckLifetime: '43200s',
  allowDomainDiscovery: true,
};

/**
 * Makes one change of every kind over REST (each answered 200): instance factors and settings,
 * an org's copy-on-write, factor changes, settings and reset, a custom policy, an org removal.
 * Returns the org that stays (whose OTP_SMS add is the first change after the copy).
 */
export async function makeEveryKindOfChange(app: TestApp, token: string): Promise<{ orgId: string }> {
  const ok = async (method: string, path: string, body?: object, orgId?: string) => {
    const response = await app.request(method, path, { token, body, headers: orgId ? orgHeader(orgId) : {} });
    assert.equal(response.status, 200, `${method} ${path}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  await ok('POST', `${ADMIN}/second_factors`, { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' });
  await ok('DELETE', `${ADMIN}/second_factors/SECOND_FACTOR_TYPE_OTP_EMAIL`);
  await ok('DELETE', `${ADMIN}/multi_factors/MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION`);
  await ok('POST', `${ADMIN}/multi_factors`, { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' });
  await ok('PUT', ADMIN, SETTINGS);

  const orgId = await createOrg(app, token, 'Bus Org');
  await ok('POST', `${MGMT}/second_factors`, { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, orgId);
  await ok('DELETE', `${MGMT}/second_factors/SECOND_FACTOR_TYPE_OTP`, undefined, orgId);
  await ok('DELETE', `${MGMT}/multi_factors/MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION`, undefined, orgId);
  await ok('POST', `${MGMT}/multi_factors`, { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' }, orgId);
  await ok('PUT', MGMT, { ...SETTINGS, forceMfa: false }, orgId);
  await ok('DELETE', MGMT, undefined, orgId);
  await ok('POST', `${MGMT}/second_factors`, { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, orgId);

  const leaving = await createOrg(app, token, 'Leaving Org');
  await ok('POST', MGMT, { ...SETTINGS, secondFactors: ['SECOND_FACTOR_TYPE_U2F'], multiFactors: [] }, leaving);
  await ok('DELETE', '/management/v1/orgs/me', undefined, leaving);
  return { orgId };
}

/** Every stored event of the instance, oldest first, as ListEvents answers it. */
export async function storedEvents(app: TestApp, token: string): Promise<any[]> {
  const response = await app.request('POST', '/admin/v1/events/_search', { token, body: { asc: true, limit: 1000 } });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.events;
}
