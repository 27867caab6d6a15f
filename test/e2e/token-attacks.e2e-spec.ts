import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, importPKCS8 } from 'jose';
import { ROLES_CLAIM } from '../../src/common/auth/role-claim.js';
import { assertError } from '../support/assertions.js';
import { GrpcTestClient } from '../support/grpc-client.js';
import { H2HeaderProxy } from '../support/h2-header-proxy.js';
import { JwksIssuer } from '../support/jwks-issuer.js';
import { freePort } from '../support/processes.js';
import { RawAnswer, requestWithHeaders } from '../support/raw-http.js';
import { ApiResponse, TestApp } from '../support/test-app.js';
import { customDevelopmentToken, developmentToken } from '../support/tokens.js';

const LIST = '/admin/v1/policies/login/second_factors/_search';
const LIST_ORGS = '/admin/v1/orgs/_search';
const GRPC_WEB_LIST = '/zitadel.admin.v1.AdminService/ListLoginPolicySecondFactors';
const INVALID = 'Errors.Token.Invalid (AUTH-7fs1e)';
const owner = { [ROLES_CLAIM]: { IAM_OWNER: { '1': 'instance.localhost' } } };
const now = () => Math.floor(Date.now() / 1000);

/** The same claims with another payload: the signature no longer matches. */
function forgedFrom(token: string): string {
  const [header, , signature] = token.split('.');
  const payload = Buffer.from(JSON.stringify({ sub: 'intruder', exp: now() + 3600, ...owner })).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

function asJson(answer: RawAnswer): ApiResponse {
  return { status: answer.status, body: JSON.parse(answer.bytes.toString('utf8')), headers: new Headers() };
}

/** grpc-status and grpc-message from the trailer frame of a binary gRPC-web answer. */
function grpcWebTrailers(answer: RawAnswer): Record<string, string> {
  assert.equal(answer.status, 200);
  for (let offset = 0; offset < answer.bytes.length; ) {
    const length = answer.bytes.readUInt32BE(offset + 1);
    if (answer.bytes[offset] === 0x80) {
      const lines = answer.bytes.subarray(offset + 5, offset + 5 + length).toString('latin1').split('\r\n').filter(Boolean);
      return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]));
    }
    offset += 5 + length;
  }
  assert.fail('no trailer frame');
}

describe('a repeated authorization header or metadata value is refused on every door', () => {
  let app: TestApp;
  let valid: string;
  let forged: string;

  before(async () => {
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()) } });
    valid = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    forged = forgedFrom(valid);
  });
  after(() => app.close());

  const twice = (first: string, second: string): [string, string][] => [
    ['authorization', `Bearer ${first}`],
    ['authorization', `Bearer ${second}`],
  ];
  const json: [string, string] = ['content-type', 'application/json'];

  /** 200 with the valid token alone; 401 with it before a forged one, after it, and with itself twice. */
  async function assertRepeatedRefused(path: string): Promise<void> {
    assert.equal((await requestWithHeaders(app.url, 'POST', path, [json, ['authorization', `Bearer ${valid}`]], '{}')).status, 200, `${path}, one header`);
    for (const [first, second] of [
      [valid, forged],
      [forged, valid],
      [valid, valid],
    ]) {
      assertError(asJson(await requestWithHeaders(app.url, 'POST', path, [json, ...twice(first, second)], '{}')), 401, 16, 'AUTH-7fs1e');
    }
  }

  it('REST on the direct lane: a valid token and then a forged one answers 401 AUTH-7fs1e, as do the reverse order and one token twice', async () => {
    await assertRepeatedRefused(LIST);
  });

  it('REST through Fastify (a direct route with a query string, and a route Nest serves) answers 401 AUTH-7fs1e too', async () => {
    await assertRepeatedRefused(`${LIST}?via=fastify`);
    await assertRepeatedRefused(LIST_ORGS);
  });

  it('a token verified and remembered before is refused when a second authorization header comes with it', async () => {
    const remembered = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'remembered' });
    assert.equal((await app.request('POST', LIST, { token: remembered, body: {} })).status, 200);
    assert.equal((await app.request('POST', LIST, { token: remembered, body: {} })).status, 200, 'served from the cache');
    assertError(asJson(await requestWithHeaders(app.url, 'POST', LIST, [json, ...twice(remembered, forged)], '{}')), 401, 16, 'AUTH-7fs1e');
    assert.equal((await app.request('POST', LIST, { token: remembered, body: {} })).status, 200, 'alone it is still accepted');
  });

  it('gRPC-web: two authorization headers answer status 16 AUTH-7fs1e', async () => {
    const grpcWeb: [string, string] = ['content-type', 'application/grpc-web+proto'];
    const emptyRequest = Buffer.alloc(5); // one uncompressed data frame holding an empty message
    const one = await requestWithHeaders(app.url, 'POST', GRPC_WEB_LIST, [grpcWeb, ['authorization', `Bearer ${valid}`]], emptyRequest);
    assert.equal(grpcWebTrailers(one)['grpc-status'], '0');
    const repeated = await requestWithHeaders(app.url, 'POST', GRPC_WEB_LIST, [grpcWeb, ...twice(valid, forged)], emptyRequest);
    const trailers = grpcWebTrailers(repeated);
    assert.equal(trailers['grpc-status'], '16');
    assert.equal(decodeURIComponent(trailers['grpc-message']), INVALID);
  });

  it('gRPC: a second authorization metadata value after a valid one answers 16 AUTH-7fs1e', async () => {
    const refused = await H2HeaderProxy.start(app.grpcAddress, 'authorization', `Bearer ${forged}`);
    // the same proxy adding another header: the call goes through, so the refusal is the repeated authorization's
    const passed = await H2HeaderProxy.start(app.grpcAddress, 'x-extra', 'anything');
    const clients = [new GrpcTestClient(refused.address, 'admin'), new GrpcTestClient(passed.address, 'admin')];
    try {
      const result = await clients[0].call('ListLoginPolicySecondFactors', {}, { token: valid });
      assert.equal(result.ok, false, JSON.stringify(result));
      if (!result.ok) {
        assert.equal(result.error.code, 16);
        assert.equal(result.error.message, INVALID);
        assert.equal((result.error.details[0] as { id?: string } | undefined)?.id, 'AUTH-7fs1e');
      }
      const control = await clients[1].call('ListLoginPolicySecondFactors', {}, { token: valid });
      assert.equal(control.ok, true, JSON.stringify(control));
    } finally {
      for (const client of clients) client.close();
      await refused.close();
      await passed.close();
    }
  });
});

describe('token times, spelling and length', () => {
  let app: TestApp;

  before(async () => {
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()) } });
  });
  after(() => app.close());

  const claims = (extra: Record<string, unknown> = {}) => ({ sub: 'caller', iss: app.config.auth.issuer, iat: now(), exp: now() + 3600, ...owner, ...extra });
  const list = (token: string) => app.request('POST', LIST, { token, body: {} });

  it('iat more than 60 s ahead of the service clock answers 401 AUTH-7fs1e; up to 60 s ahead is clock skew, accepted', async () => {
    assertError(await list(await customDevelopmentToken(app.config, claims({ iat: now() + 365 * 86_400 }))), 401, 16, 'AUTH-7fs1e');
    assertError(await list(await customDevelopmentToken(app.config, claims({ iat: now() + 120 }))), 401, 16, 'AUTH-7fs1e');
    assert.equal((await list(await customDevelopmentToken(app.config, claims({ iat: now() + 30 })))).status, 200);
  });

  it('nbf has the same 60 s allowance; exp none', async () => {
    assert.equal((await list(await customDevelopmentToken(app.config, claims({ nbf: now() + 30 })))).status, 200);
    assertError(await list(await customDevelopmentToken(app.config, claims({ nbf: now() + 120 }))), 401, 16, 'AUTH-7fs1e');
    assertError(await list(await customDevelopmentToken(app.config, claims({ exp: now() - 1 }))), 401, 16, 'AUTH-7fs1e');
  });

  it('a token spelled another way than canonical base64url answers 401 AUTH-7fs1e, also right after its canonical spelling was accepted and remembered', async () => {
    let token: string;
    // a signature with a - or _ in it, to respell in base64's own alphabet (nearly every one has both)
    do token = await customDevelopmentToken(app.config, claims({ jti: String(Math.random()) }));
    while (!/[-_]/.test(token.split('.')[2]));
    const [header, payload, signature] = token.split('.');
    assert.equal(signature.length % 4, 2, 'an RS256 signature (256 bytes) ends in a character with 4 unused bits');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const spellings = {
      'signature padded with ==': `${header}.${payload}.${signature}==`,
      'unused bits of the signature set': `${header}.${payload}.${signature.slice(0, -1)}${alphabet[last + 1]}`,
      'signature in base64 alphabet (+ and /)': `${header}.${payload}.${signature.replace(/-/g, '+').replace(/_/g, '/')}`,
      'header padded': `${header}${'='.repeat((4 - (header.length % 4)) % 4) || '=='}.${payload}.${signature}`,
      'a character outside the alphabet': `${header}.${payload}.${signature.slice(0, 10)}*${signature.slice(10)}`,
      'a fourth segment': `${token}.e30`,
    };
    assert.equal((await list(token)).status, 200);
    for (const [name, respelled] of Object.entries(spellings)) {
      assert.notEqual(respelled, token, name);
      const response = await list(respelled);
      assert.equal(response.status, 401, `${name}: ${JSON.stringify(response.body)}`);
      assertError(response, 401, 16, 'AUTH-7fs1e');
    }
    assert.equal((await list(token)).status, 200, 'the canonical spelling is still accepted');
  });

  it('a validly signed token whose authorization value is over 8 KiB answers 401 AUTH-7fs1e on HTTP and gRPC', async () => {
    const long = await customDevelopmentToken(app.config, claims({ filler: 'x'.repeat(9_000) }));
    const justUnder = await customDevelopmentToken(app.config, claims({ filler: 'x'.repeat(5_000) }));
    assert.ok(`Bearer ${justUnder}`.length <= 8192 && `Bearer ${long}`.length > 8192);
    assert.equal((await list(justUnder)).status, 200);
    assertError(await list(long), 401, 16, 'AUTH-7fs1e');
    const grpc = new GrpcTestClient(app.grpcAddress, 'admin');
    try {
      const veryLong = await customDevelopmentToken(app.config, claims({ filler: 'x'.repeat(30_000) }));
      assert.equal((await grpc.call('ListLoginPolicySecondFactors', {}, { token: justUnder })).ok, true);
      for (const token of [long, veryLong]) {
        const result = await grpc.call('ListLoginPolicySecondFactors', {}, { token });
        assert.deepEqual(result.ok ? result : { code: result.error.code, message: result.error.message }, { code: 16, message: INVALID });
      }
    } finally {
      grpc.close();
    }
  });
});

describe("keys carried in a token's own header are never trusted", () => {
  let issuer: JwksIssuer;
  let attacker: JwksIssuer;
  let app: TestApp;
  let certificateDir: string | undefined;

  before(async () => {
    issuer = await JwksIssuer.start();
    await issuer.addKey('key-1');
    attacker = await JwksIssuer.start();
    await attacker.addKey('evil');
    app = await TestApp.start({ env: { AUTH_ISSUER: issuer.url, AUTH_JWKS_COOLDOWN_SECONDS: '0' } });
  });
  after(async () => {
    await app.close();
    await issuer.close();
    await attacker.close();
    if (certificateDir) await rm(certificateDir, { recursive: true, force: true });
  });

  const list = (token: string) => app.request('POST', LIST, { token, body: {} });
  // signed by the attacker's key, with the issuer's own kid or the attacker's, and claims the issuer would sign
  const signedByAttacker = (header: Record<string, unknown>) => attacker.sign('evil', owner, { issuer: issuer.url, header });

  it('a token of the issuer is accepted (the setting the refusals below are made in)', async () => {
    assert.equal((await list(await issuer.sign('key-1', owner))).status, 200);
  });

  it('a token signed with the key in its own jwk header answers 401 AUTH-7fs1e', async () => {
    const jwk = attacker.publicJwk('evil');
    for (const kid of ['key-1', 'evil']) {
      assertError(await list(await signedByAttacker({ kid, jwk })), 401, 16, 'AUTH-7fs1e');
    }
  });

  it('jku and x5u naming the attacker’s server answer 401 AUTH-7fs1e, and that server is never asked', async () => {
    assertError(await list(await signedByAttacker({ kid: 'evil', jku: `${attacker.url}/oauth/v2/keys` })), 401, 16, 'AUTH-7fs1e');
    assertError(await list(await signedByAttacker({ kid: 'evil', x5u: `${attacker.url}/certificate.pem` })), 401, 16, 'AUTH-7fs1e');
    assert.deepEqual(attacker.requestedPaths, []);
  });

  it('a token signed with the key of the certificate in its own x5c header answers 401 AUTH-7fs1e', { skip: spawnSync('openssl', ['version']).status === 0 ? false : 'openssl is not installed' }, async () => {
    certificateDir = await mkdtemp(join(tmpdir(), 'lpf-x5c-'));
    const [keyFile, certificateFile] = [join(certificateDir, 'key.pem'), join(certificateDir, 'certificate.der')];
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-outform', 'DER', '-out', certificateFile, '-subj', '/CN=attacker', '-days', '1']);
    assert.equal(made.status, 0, made.stderr.toString());
    const key = await importPKCS8(await readFile(keyFile, 'utf8'), 'RS256');
    const x5c = [(await readFile(certificateFile)).toString('base64')];
    for (const kid of ['key-1', undefined]) {
      const token = await new SignJWT(owner)
        .setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}), x5c })
        .setIssuer(issuer.url)
        .setSubject('intruder')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key);
      assertError(await list(token), 401, 16, 'AUTH-7fs1e');
    }
  });
});
