import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const CONSOLE = 'https://console.example.com';
const METHOD_PATH = '/zitadel.admin.v1.AdminService/ListLoginPolicySecondFactors';
const EMPTY_REQUEST = Buffer.from([0, 0, 0, 0, 0]);

/** The CORS headers of an answer (all `access-control-*`). */
function corsHeaders(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));
}

function preflight(app: TestApp, origin: string, path = METHOD_PATH): Promise<Response> {
  return fetch(`${app.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-grpc-web,x-user-agent,x-zitadel-orgid',
    },
  });
}

describe('CORS for browser apps (CORS_ORIGINS)', () => {
  let app: TestApp;
  let token: string;

  before(async () => {
    app = await TestApp.start({ env: { CORS_ORIGINS: `${CONSOLE}, http://localhost:4200` } });
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(() => app.close());

  it('answers a preflight from an allowed origin with the gRPC-web and auth headers allowed', async () => {
    const response = await preflight(app, CONSOLE);
    assert.equal(response.status, 204);
    const headers = corsHeaders(response);
    assert.equal(headers['access-control-allow-origin'], CONSOLE);
    assert.match(headers['access-control-allow-methods'], /\bPOST\b/);
    const allowed = headers['access-control-allow-headers'].split(/,\s*/);
    for (const header of ['authorization', 'content-type', 'x-grpc-web', 'x-user-agent', 'x-zitadel-orgid']) {
      assert.ok(allowed.includes(header), `${header} allowed: ${allowed.join(', ')}`);
    }
    assert.equal(headers['access-control-max-age'], '600');
    assert.match(response.headers.get('vary') ?? '', /Origin/);
    assert.equal((await preflight(app, 'http://localhost:4200', '/admin/v1/policies/login')).headers.get('access-control-allow-origin'), 'http://localhost:4200');
  });

  it('gives a preflight from any other origin no allow headers', async () => {
    for (const origin of ['https://evil.example.com', 'https://console.example.com:8443', 'http://console.example.com', 'null']) {
      const response = await preflight(app, origin);
      assert.deepEqual(corsHeaders(response), {}, origin);
      assert.ok(response.status >= 400, `${origin}: ${response.status}`);
    }
  });

  it('lets an allowed origin read the gRPC status headers and the answer; another origin gets no CORS headers', async () => {
    const call = (origin: string) =>
      fetch(`${app.url}${METHOD_PATH}`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', authorization: `Bearer ${token}` },
        body: EMPTY_REQUEST,
      });
    const allowed = await call(CONSOLE);
    assert.equal(allowed.status, 200);
    const headers = corsHeaders(allowed);
    assert.equal(headers['access-control-allow-origin'], CONSOLE);
    const exposed = headers['access-control-expose-headers'].split(/,\s*/);
    for (const header of ['grpc-status', 'grpc-message', 'grpc-status-details-bin']) assert.ok(exposed.includes(header), `${header} exposed`);

    const other = await call('https://evil.example.com');
    assert.deepEqual(corsHeaders(other), {});
    // REST answers carry the same headers for an allowed origin
    const rest = await fetch(`${app.url}/admin/v1/policies/login`, { headers: { origin: CONSOLE, authorization: `Bearer ${token}` } });
    assert.equal(rest.status, 200);
    assert.equal(rest.headers.get('access-control-allow-origin'), CONSOLE);
  });

  it('allows no origin by default', async () => {
    const plain = await TestApp.start();
    try {
      const response = await preflight(plain, CONSOLE);
      assert.deepEqual(corsHeaders(response), {});
      assert.equal(response.status, 405);
    } finally {
      await plain.close();
    }
  });
});
