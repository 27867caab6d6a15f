import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerifiedTokenCache } from '../../src/common/auth/verified-token-cache.js';

describe('the verified-token cache', () => {
  it('never answers at or after an entry expires', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.set('token', 'caller', 1_000);
    assert.equal(cache.get('token', 999), 'caller');
    assert.equal(cache.get('token', 1_000), undefined);
    assert.equal(cache.get('token', 999), undefined, 'an expired entry is gone, not kept for later');
  });

  it('holds at most its capacity; an entry used since it was stored outlives one that was not', () => {
    const cache = new VerifiedTokenCache<number>(3);
    for (const key of ['a', 'b', 'c']) cache.set(key, 1, Infinity);
    assert.equal(cache.get('a', 0), 1);
    cache.set('d', 1, Infinity);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b', 0), undefined, 'b was used least recently');
    assert.equal(cache.get('a', 0), 1);
    assert.equal(cache.get('d', 0), 1);
  });

  it('when every entry was used, passes over them all once and then drops the oldest', () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set('a', 1, Infinity);
    cache.set('b', 2, Infinity);
    assert.equal(cache.get('a', 0), 1);
    assert.equal(cache.get('b', 0), 2);
    cache.set('c', 3, Infinity);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a', 0), undefined, 'a, the oldest, left after both were given their second chance');
    assert.equal(cache.get('b', 0), 2);
    assert.equal(cache.get('c', 0), 3);
  });

  it('answers only for the very value stored: one that ends the same but differs before is not a hit', () => {
    const cache = new VerifiedTokenCache<string>(10);
    const signature = 'S'.repeat(300);
    const stored = `Bearer header.payloadOfAlice.${signature}`;
    const forged = `Bearer header.payloadOfMallory.${signature}`;
    cache.set(stored, 'alice', Infinity);
    assert.equal(cache.get(forged, 0), undefined, 'same signature end, another payload');
    assert.equal(cache.get(stored, 0), 'alice', 'the stored entry is still there');
    cache.set(forged, 'mallory', Infinity);
    assert.equal(cache.get(stored, 0), undefined, 'the later value took the slot');
    assert.equal(cache.get(forged, 0), 'mallory');
    assert.equal(cache.get('short', 0), undefined);
    cache.set('short', 'short value', Infinity);
    assert.equal(cache.get('short', 0), 'short value');
  });

  it('keeps nothing with capacity 0', () => {
    const cache = new VerifiedTokenCache<number>(0);
    cache.set('a', 1, Infinity);
    assert.equal(cache.size, 0);
    assert.equal(cache.get('a', 0), undefined);
  });
});

describe('the authenticator', () => {
  it('verifies a remembered token again after 5 minutes, even when its exp is later', async () => {
    const { Authenticator } = await import('../../src/common/auth/authenticator.service.js');
    const { loadConfig } = await import('../../src/common/config/load-config.js');
    let verifications = 0;
    const verifier = { verify: async () => (verifications++, { sub: 'u', exp: Math.floor(Date.now() / 1000) + 3600 }) };
    const authenticator = new Authenticator(verifier as never, loadConfig({ DATA_DIR: '/tmp/unused' }));
    const realNow = Date.now;
    try {
      await authenticator.authenticate('Bearer e30.e30.c2ln');
      await authenticator.authenticate('Bearer e30.e30.c2ln');
      assert.equal(verifications, 1, 'the second use is served from the cache');
      const start = realNow();
      Date.now = () => start + 5 * 60_000;
      await authenticator.authenticate('Bearer e30.e30.c2ln');
      assert.equal(verifications, 2, 'verified again after 5 minutes');
    } finally {
      Date.now = realNow;
    }
  });
});
