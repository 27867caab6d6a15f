import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Authenticator } from '../../src/common/auth/authenticator.service.js';
import { ROLES_CLAIM } from '../../src/common/auth/role-claim.js';
import { TokenVerifier } from '../../src/common/auth/token-verifier.service.js';
import { loadConfig } from '../../src/common/config/load-config.js';
import { assertError } from '../support/assertions.js';
import { JwksIssuer } from '../support/jwks-issuer.js';
import { TestApp } from '../support/test-app.js';

const LIST = '/admin/v1/policies/login/second_factors/_search';
const owner = { [ROLES_CLAIM]: { IAM_OWNER: { '1': 'instance.localhost' } } };

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('verified tokens are cached, within their limits', () => {
  let issuer: JwksIssuer;
  let app: TestApp;

  before(async () => {
    issuer = await JwksIssuer.start();
    await issuer.addKey('key-1');
    app = await TestApp.start({ env: { AUTH_ISSUER: issuer.url, AUTH_JWKS_COOLDOWN_SECONDS: '0' } });
  });
  after(async () => {
    await app.close();
    await issuer.close();
  });

  it('a token that was accepted (and cached) is refused from its exp on', async () => {
    const token = await issuer.sign('key-1', owner, { expiresIn: '2s' });
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
    assert.equal((await app.request('POST', LIST, { token, body: {} })).status, 200);
    assert.equal((await app.request('POST', LIST, { token, body: {} })).status, 200, 'served from the cache');
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 20));
    assertError(await app.request('POST', LIST, { token, body: {} }), 401, 16, 'AUTH-7fs1e');
  });

  it('after a key rotation, tokens of the new key work and cached ones of the old key go on without new downloads', async () => {
    const old = await issuer.sign('key-1', owner);
    assert.equal((await app.request('POST', LIST, { token: old, body: {} })).status, 200);
    await issuer.addKey('key-2');
    const fresh = await issuer.sign('key-2', owner);
    assert.equal((await app.request('POST', LIST, { token: fresh, body: {} })).status, 200, 'the new kid is fetched and accepted');
    const downloads = issuer.jwksRequests;
    for (let i = 0; i < 20; i++) {
      assert.equal((await app.request('POST', LIST, { token: i % 2 ? old : fresh, body: {} })).status, 200);
    }
    assert.equal(issuer.jwksRequests, downloads, 'known keys are not downloaded again');
  });

  it('a flood of 100,000 distinct valid tokens keeps the cache at its capacity and memory bounded', async () => {
    await issuer.addKey('flood', 'EdDSA');
    const config = loadConfig({ AUTH_ISSUER: issuer.url, AUTH_TOKEN_CACHE_SIZE: '10000', DATA_DIR: app.dataDir });
    const verifier = new TokenVerifier(config);
    let verifications = 0;
    const verify = verifier.verify.bind(verifier);
    verifier.verify = (token: string) => {
      verifications++;
      return verify(token);
    };
    const authenticator = new Authenticator(verifier, config);
    const first = `Bearer ${await issuer.sign('flood', { ...owner, jti: 'first' })}`;
    await authenticator.authenticate(first);
    const heapBefore = heapAfterGc();
    for (let batch = 0; batch < 100; batch++) {
      const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => issuer.sign('flood', { ...owner, jti: `${batch}-${i}` })));
      await Promise.all(tokens.map((token) => authenticator.authenticate(`Bearer ${token}`)));
    }
    const grownMiB = (heapAfterGc() - heapBefore) / 2 ** 20;
    assert.equal(authenticator.cachedTokens, 10_000);
    assert.ok(grownMiB < 40, `the heap grew by ${grownMiB.toFixed(1)} MiB`);
    const counted = verifications;
    await authenticator.authenticate(first);
    assert.equal(verifications, counted + 1, 'the oldest token left the cache and is verified again');
  });
});
