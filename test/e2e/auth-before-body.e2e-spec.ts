import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertInvalidArgument } from '../support/assertions.js';
import { readMetric } from '../support/metrics.js';
import { ApiResponse, TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

// SPEC §5's order: authenticate (401), then the permission (403), then anything about the input
// (400, 413) — so a request's body is judged only once its caller is let in

const LANE_METRIC = 'http_direct_lane_requests_total';
const INVALID_TOKEN_ID = 'AUTH-7fs1e';
const PERMISSION_DENIED_ID = 'AUTH-5mWD2';

const MALFORMED = '{"type": ';
const TOO_DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

/** The doors of REST: the direct lane, the same direct route answered from Fastify's hook (a query string sends it there), and a route only Nest serves. */
const ROUTES: { door: string; method: string; path: string; onLane: boolean }[] = [
  { door: 'a route of the direct lane', method: 'POST', path: '/admin/v1/policies/login/second_factors', onLane: true },
  { door: 'a direct route answered through Fastify', method: 'POST', path: '/admin/v1/policies/login/second_factors?via=fastify', onLane: false },
  { door: 'a route served by Nest', method: 'PUT', path: '/admin/v1/policies/login', onLane: false },
];

describe('authentication comes before the body is read, on every REST door (SPEC §5)', () => {
  let app: TestApp;
  let owner: string;
  let viewer: string;
  let forged: string;

  before(async () => {
    app = await TestApp.start({ env: { LOG_LEVEL: 'warn' } });
    owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    viewer = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
    forged = `${owner.slice(0, -4)}AAAA`;
  });
  after(() => app.close());

  /** Sends `body` as JSON and checks that the lane answered it exactly when the route is on the lane. */
  async function send(route: (typeof ROUTES)[number], body: string, token?: string): Promise<ApiResponse> {
    const before = await readMetric(app.url, LANE_METRIC);
    const response = await app.request(route.method, route.path, { token, rawBody: body, headers: { 'content-type': 'application/json' } });
    assert.equal(await readMetric(app.url, LANE_METRIC), before + (route.onLane ? 1 : 0), `answered ${route.onLane ? 'on' : 'off'} the lane`);
    return response;
  }

  for (const route of ROUTES) {
    describe(route.door, () => {
      it('malformed JSON without a token answers 401 "auth header missing", not 400', async () => {
        const response = await send(route, MALFORMED);
        assertError(response, 401, 16);
        assert.equal(response.body.message, 'auth header missing');
      });

      it('a body nested 10,000 levels deep without a token answers 401, not 400', async () => {
        assertError(await send(route, TOO_DEEP), 401, 16);
      });

      it('malformed JSON with a forged token answers 401 Errors.Token.Invalid', async () => {
        assertError(await send(route, MALFORMED, forged), 401, 16, INVALID_TOKEN_ID);
      });

      it('malformed JSON from a caller without the permission answers 403, as a valid body does', async () => {
        assertError(await send(route, MALFORMED, viewer), 403, 7, PERMISSION_DENIED_ID);
        assertError(await send(route, '{"type": "SECOND_FACTOR_TYPE_OTP_SMS"}', viewer), 403, 7, PERMISSION_DENIED_ID);
      });

      it('with a valid token the same bodies still answer 400', async () => {
        assertInvalidArgument(await send(route, MALFORMED, owner), 'body', 'invalid JSON in the request body');
        assertError(await send(route, TOO_DEEP, owner), 400, 3);
      });
    });
  }

  it('a 2 MB body without a token answers 401, not 413: it is not read', async () => {
    const body = JSON.stringify({ type: 1, padding: 'x'.repeat(2 * 1024 * 1024) });
    const response = await app.request('PUT', '/admin/v1/policies/login', { rawBody: body, headers: { 'content-type': 'application/json' } });
    assertError(response, 401, 16);
  });

  it('public routes stay public: health, metrics and the Swagger UI need no token', async () => {
    for (const path of ['/debug/healthz', '/debug/metrics', '/docs', '/docs/openapi.json']) {
      const response = await app.request('GET', path);
      assert.equal(response.status, 200, `${path}: ${response.status}`);
    }
  });
});

describe('a refusal before the body is read carries the CORS headers', () => {
  const CONSOLE = 'https://console.example.com';
  let app: TestApp;
  before(async () => {
    app = await TestApp.start({ env: { CORS_ORIGINS: CONSOLE } });
  });
  after(() => app.close());

  it('401 to an allowed origin lets the browser read it', async () => {
    const response = await app.request('PUT', '/admin/v1/policies/login', { rawBody: MALFORMED, headers: { origin: CONSOLE, 'content-type': 'application/json' } });
    assertError(response, 401, 16);
    assert.equal(response.headers.get('access-control-allow-origin'), CONSOLE);
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
