import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertError } from '../support/assertions.js';
import { JwksIssuer } from '../support/jwks-issuer.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const ROLES = 'urn:zitadel:iam:org:project:roles';
const POLICY = '/admin/v1/policies/login';
const LIST = `${POLICY}/second_factors/_search`;
const ADD = `${POLICY}/second_factors`;

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('authentication and authorization (development key)', () => {
  let app: TestApp;
  before(async () => {
    app = await TestApp.start();
  });
  after(() => app.close());

  const ownerClaims = () => ({ sub: 'x', iss: app.config.auth.issuer, exp: 9999999999, [ROLES]: { IAM_OWNER: {} } });

  it('no authorization header answers 401 UNAUTHENTICATED "auth header missing"', async () => {
    const response = await app.request('POST', LIST, { body: {} });
    assertError(response, 401, 16);
    assert.equal(response.body.message, 'auth header missing');
  });

  it('a header that is not a bearer token answers 401 AUTH-7fs1e', async () => {
    const response = await app.request('POST', LIST, { body: {}, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assertError(response, 401, 16, 'AUTH-7fs1e');
    assert.equal(response.body.message, 'Errors.Token.Invalid (AUTH-7fs1e)');
  });

  it('an expired token answers 401 AUTH-7fs1e', async () => {
    const token = await developmentToken(app.config, { roles: ['IAM_OWNER'], expiresIn: '-5m' });
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('a token with a forged payload (wrong signature) answers 401 AUTH-7fs1e', async () => {
    const token = await developmentToken(app.config, { roles: ['IAM_LOGIN_CLIENT'] });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${base64url(ownerClaims())}.${signature}`;
    assertError(await app.request('POST', LIST, { token: forged, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('an unsigned token (alg: none) answers 401 AUTH-7fs1e', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(ownerClaims())}.`;
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('an HS256 token answers 401 AUTH-7fs1e', async () => {
    const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(ownerClaims())}`;
    const signature = createHmac('sha256', 'secret').update(unsigned).digest('base64url');
    assertError(await app.request('POST', LIST, { token: `${unsigned}.${signature}`, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('a token naming another issuer answers 401 AUTH-7fs1e', async () => {
    const token = await developmentToken(app.config, { roles: ['IAM_OWNER'], issuer: 'https://elsewhere.example.com' });
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('a valid token without roles answers 403 PERMISSION_DENIED AUTH-5mWD2', async () => {
    const token = await developmentToken(app.config);
    const response = await app.request('POST', LIST, { token, body: {} });
    assertError(response, 403, 7, 'AUTH-5mWD2');
    assert.equal(response.body.message, 'No matching permissions found (AUTH-5mWD2)');
  });

  it('an ORG_OWNER token on the Admin API answers 403', async () => {
    const token = await developmentToken(app.config, { roles: ['ORG_OWNER:123456789'], org: '123456789' });
    assertError(await app.request('POST', LIST, { token, body: {} }), 403, 7, 'AUTH-5mWD2');
    assertError(await app.request('GET', POLICY, { token }), 403, 7, 'AUTH-5mWD2');
  });

  it('an unknown IAM_ role grants nothing', async () => {
    const token = await developmentToken(app.config, { roles: ['IAM_SOMETHING_NEW'] });
    assertError(await app.request('GET', POLICY, { token }), 403, 7, 'AUTH-5mWD2');
  });

  it('IAM_OWNER_VIEWER can read but not write', async () => {
    const token = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
    assert.equal((await app.request('POST', LIST, { token, body: {} })).status, 200);
    assert.equal((await app.request('GET', POLICY, { token })).status, 200);
    assertError(await app.request('POST', ADD, { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } }), 403, 7, 'AUTH-5mWD2');
    assertError(await app.request('DELETE', `${ADD}/SECOND_FACTOR_TYPE_OTP`, { token }), 403, 7, 'AUTH-5mWD2');
    assertError(await app.request('PUT', POLICY, { token, body: {} }), 403, 7, 'AUTH-5mWD2');
  });

  it('permission comes before input: a viewer sending type 0 gets 403, not 400', async () => {
    const token = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
    assertError(await app.request('POST', ADD, { token, body: { type: 0 } }), 403, 7, 'AUTH-5mWD2');
  });

  it('IAM_LOGIN_CLIENT can read the instance policy', async () => {
    const token = await developmentToken(app.config, { roles: ['IAM_LOGIN_CLIENT'] });
    assert.equal((await app.request('GET', POLICY, { token })).status, 200);
  });

  it('the operational endpoints need no token', async () => {
    assert.equal((await app.request('GET', '/debug/healthz')).status, 200);
    assert.equal((await app.request('GET', '/debug/ready')).status, 200);
  });
});

describe('AUTH_ROLE_PERMISSIONS replaces the grants of a role', () => {
  it('a viewer granted iam.policy.write by configuration can add a factor', async () => {
    const app = await TestApp.start({
      env: { AUTH_ROLE_PERMISSIONS: JSON.stringify({ IAM_OWNER_VIEWER: ['iam.policy.read', 'iam.policy.write'] }) },
    });
    try {
      const token = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
      assert.equal((await app.request('POST', ADD, { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } })).status, 200);
    } finally {
      await app.close();
    }
  });
});

describe('authentication against an OpenID Connect issuer (JWKS)', () => {
  let issuer: JwksIssuer;
  let app: TestApp;
  const audience = 'login-policy-factors-api';
  const owner = { [ROLES]: { IAM_OWNER: { '1': 'instance.localhost' } } };

  before(async () => {
    issuer = await JwksIssuer.start();
    await issuer.addKey('key-1');
    app = await TestApp.start({
      env: { AUTH_ISSUER: issuer.url, AUTH_AUDIENCE: audience, AUTH_JWKS_COOLDOWN_SECONDS: '0' },
    });
  });
  after(async () => {
    await app.close();
    await issuer.close();
  });

  it('a token signed by the issuer (RS256, keys found through discovery) is accepted', async () => {
    const token = await issuer.sign('key-1', owner, { audience });
    const response = await app.request('POST', LIST, { token, body: {} });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  it('ES256, PS256 and EdDSA keys are accepted as well', async () => {
    for (const [kid, alg] of [['es', 'ES256'], ['ps', 'PS256'], ['ed', 'EdDSA']]) {
      await issuer.addKey(kid, alg);
      const token = await issuer.sign(kid, owner, { audience });
      assert.equal((await app.request('POST', LIST, { token, body: {} })).status, 200, alg);
    }
  });

  it('a wrong audience answers 401 AUTH-7fs1e', async () => {
    const token = await issuer.sign('key-1', owner, { audience: 'another-api' });
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('a wrong issuer answers 401 AUTH-7fs1e', async () => {
    const token = await issuer.sign('key-1', owner, { audience, issuer: 'https://other-issuer.example.com' });
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('an expired issuer token answers 401 AUTH-7fs1e', async () => {
    const token = await issuer.sign('key-1', owner, { audience, expiresIn: '-1m' });
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('a development-key token is refused in issuer mode', async () => {
    const local = await TestApp.start();
    try {
      const token = await developmentToken(local.config, { roles: ['IAM_OWNER'], issuer: issuer.url, audience });
      assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
    } finally {
      await local.close();
    }
  });

  it('a key published later under a new kid is picked up without a restart (rotation)', async () => {
    await issuer.addKey('key-2', 'RS256', { publish: false });
    const token = await issuer.sign('key-2', owner, { audience });
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');

    issuer.publish('key-2');
    const downloadsBefore = issuer.jwksRequests;
    const response = await app.request('POST', LIST, { token, body: {} });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.ok(issuer.jwksRequests > downloadsBefore, 'the JWKS was fetched again for the unknown kid');
  });
});

describe('an issuer that cannot be reached', () => {
  it('answers 503 UNAVAILABLE, not 401, so callers retry instead of dropping their token', async () => {
    const app = await TestApp.start({ env: { AUTH_ISSUER: 'http://127.0.0.1:1' } });
    try {
      // a well-formed token ({}.{}.sig): one that is not would be refused before the keys are looked for
      assertError(await app.request('POST', LIST, { token: 'e30.e30.c2ln', body: {} }), 503, 14);
    } finally {
      await app.close();
    }
  });
});
