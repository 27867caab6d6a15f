import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Authenticator } from '../../src/common/auth/authenticator.service.js';
import { MAX_AUTHORIZATION_LENGTH, isCanonicalCompactJws } from '../../src/common/auth/token-form.js';
import { loadConfig } from '../../src/common/config/load-config.js';

const segment = (bytes: number) => Buffer.alloc(bytes, 0xa5).toString('base64url');

describe('the one spelling of a compact JWS', () => {
  it('is three segments of unpadded base64url with the unused bits of the last character zero', () => {
    for (const bytes of [1, 2, 3, 4, 256]) assert.equal(isCanonicalCompactJws(`e30.${segment(bytes)}.${segment(bytes)}`), true, `${bytes} bytes`);
    assert.equal(isCanonicalCompactJws('e30.e30.'), true, 'an empty signature is well spelled (and refused by the verifier)');
  });

  it('refuses padding, base64 alphabet, other characters, unused bits set, impossible lengths and other segment counts', () => {
    const refused = [
      'e30=.e30.c2ln', // padding on a segment that needs one
      'e30.e30.c2ln====', // padding on one that needs none
      'e30.e30.a+/b', // base64's own alphabet
      'e30.e30.c2l*', // outside any alphabet
      'e30.e30.c2 ln', // whitespace
      'e30.e30.QR', // one byte: 4 unused bits, here not zero
      'e30.e30.QUF', // two bytes: 2 unused bits, here not zero
      'e30.e30.AAAAA', // a length no whole number of bytes encodes to
      'e30.e30', // two segments
      'e30.e30.e30.e30', // four
    ];
    for (const token of refused) assert.equal(isCanonicalCompactJws(token), false, token);
    assert.equal(isCanonicalCompactJws('e30.e30.QQ'), true);
    assert.equal(isCanonicalCompactJws('e30.e30.QUE'), true);
  });
});

describe('the authenticator refuses before any key is used', () => {
  const counting = () => {
    const calls: string[] = [];
    const verifier = { verify: async (token: string) => (calls.push(token), { sub: 'u', exp: Math.floor(Date.now() / 1000) + 3600 }) };
    return { calls, authenticator: new Authenticator(verifier as never, loadConfig({ DATA_DIR: '/tmp/unused' })) };
  };

  it('an authorization value given twice, over 8 KiB or not canonically spelled: 401 AUTH-7fs1e, the verifier never called', async () => {
    const { calls, authenticator } = counting();
    const cases = [['Bearer e30.e30.c2ln', 'Bearer e30.e30.c2ln'], `Bearer e30.${'e'.repeat(MAX_AUTHORIZATION_LENGTH)}.c2ln`, 'Bearer e30.e30.c2ln=='];
    for (const authorization of cases) {
      await assert.rejects(
        async () => authenticator.authenticate(authorization),
        (error: { kind?: string; id?: string }) => error.kind === 'UNAUTHENTICATED' && error.id === 'AUTH-7fs1e',
      );
    }
    assert.deepEqual(calls, []);
    await authenticator.authenticate('Bearer e30.e30.c2ln');
    assert.deepEqual(calls, ['e30.e30.c2ln'], 'a well-formed value reaches the verifier');
  });

  it('a value remembered once is refused when it comes twice', async () => {
    const { calls, authenticator } = counting();
    await authenticator.authenticate('Bearer e30.e30.c2ln');
    assert.equal(authenticator.authenticate('Bearer e30.e30.c2ln') instanceof Promise, false, 'served from the cache');
    assert.throws(() => authenticator.authenticate(['Bearer e30.e30.c2ln', 'Bearer e30.e30.c2ln']), { id: 'AUTH-7fs1e' });
    assert.equal(calls.length, 1);
  });
});
