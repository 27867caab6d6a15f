import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertError, assertInvalidArgument } from '../support/assertions.js';
import { rawRequest } from '../support/raw-http.js';
import { ApiResponse, TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const ADD = '/admin/v1/policies/login/second_factors';
const REQUEST_ID = /^[0-9a-f-]{36}$/;

/** `depth` objects nested in each other, the innermost holding `1`: `{"a":{"a":1}}` is depth 2. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** A refusal in the one error shape, with the request id every answer carries. */
function assertRefusal(response: ApiResponse, httpStatus: number, code: number, message: RegExp): void {
  assertError(response, httpStatus, code);
  assert.deepEqual(Object.keys(response.body).sort(), ['code', 'details', 'message']);
  assert.match(response.body.message, message);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.match(response.headers.get('x-request-id') ?? '', REQUEST_ID);
}

describe('refusals of the HTTP layers (node, Fastify, the body parser) answer in the one error shape', () => {
  let app: TestApp;
  let token: string;
  before(async () => {
    app = await TestApp.start();
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(() => app.close());

  const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: test\r\n${headers}Connection: close\r\n\r\n`;

  it('a path with bad percent-encoding answers 400 INVALID_ARGUMENT, on Fastify routes and on direct routes', async () => {
    assertRefusal(await rawRequest(app.url, get('/admin/v1/orgs/%E0%A4%A')), 400, 3, /is not a valid url component/);
    const direct = `DELETE ${ADD}/%ZZ HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`;
    assertRefusal(await rawRequest(app.url, direct), 400, 3, /is not a valid url component/);
  });

  it('a path parameter over 100 characters answers 414 RESOURCE_EXHAUSTED', async () => {
    assertRefusal(await rawRequest(app.url, get(`/admin/v1/orgs/${'1'.repeat(101)}`)), 414, 8, /max param length/);
  });

  it('a 100 KB Authorization header answers 431 RESOURCE_EXHAUSTED naming the 16 KiB limit, before the token is looked at', async () => {
    const huge = `Authorization: Bearer ${'a'.repeat(100 * 1024)}\r\n`;
    for (const request of [get('/admin/v1/policies/login', huge), `POST ${ADD} HTTP/1.1\r\nHost: test\r\n${huge}Content-Length: 10\r\nConnection: close\r\n\r\n{"type":3}`]) {
      assertRefusal(await rawRequest(app.url, request), 431, 8, /^the request line and headers are larger than 16384 bytes$/);
    }
  });

  it('a request line over 16 KiB answers 431 RESOURCE_EXHAUSTED too', async () => {
    assertRefusal(await rawRequest(app.url, get(`/admin/v1/${'a'.repeat(20_000)}`)), 431, 8, /larger than 16384 bytes/);
  });

  it('malformed HTTP answers 400 INVALID_ARGUMENT, not node\'s or Fastify\'s own body', async () => {
    const cases = [
      'GARBAGE\r\n\r\n',
      'GET /debug/healthz HTTP/1.1\r\nHo st: test\r\n\r\n',
      // malformed chunks are met only once the body is read, after authentication (SPEC §5): so with a token
      `POST ${ADD} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\nabc\r\n`,
      `POST ${ADD} HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
    ];
    for (const request of cases) {
      assertRefusal(await rawRequest(app.url, request), 400, 3, /^malformed HTTP request: /);
    }
  });

  it('an HTTP/1.1 request without a Host header answers 400 INVALID_ARGUMENT, not node\'s empty 400', async () => {
    for (const path of ['/admin/v1/orgs/_search', ADD]) {
      const request = `POST ${path} HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`;
      assertRefusal(await rawRequest(app.url, request), 400, 3, /^an HTTP\/1\.1 request must carry a Host header$/);
    }
  });

  it('an unparseable Content-Type answers 415 with code 3 INVALID_ARGUMENT', async () => {
    const response = await app.request('POST', '/management/v1/orgs', { token, rawBody: '{"name":"Typed"}', headers: { 'content-type': ';;;' } });
    assertRefusal(response, 415, 3, /Unsupported Media Type/);
  });

  it('a body over 1 MiB sent in chunks (no Content-Length) answers 413 RESOURCE_EXHAUSTED', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const body = Array.from({ length: 20 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('') + '0\r\n\r\n';
    const request = `POST ${ADD} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body}`;
    assertRefusal(await rawRequest(app.url, request), 413, 8, /too large/);
  });
});

describe('nesting depth of JSON bodies: at most 32 levels, refused before anything reads the body', () => {
  let app: TestApp;
  let token: string;
  before(async () => {
    app = await TestApp.start();
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(() => app.close());

  const TOO_DEEP = /^the request body nests objects and arrays deeper than 32 levels$/;

  it('a body nested 10,000 levels deep answers 400 INVALID_ARGUMENT naming the limit, on the direct lane and through Fastify', async () => {
    const body = `{"type":${nested(10_000)}}`;
    for (const headers of [{}, { origin: 'http://elsewhere.example' }] as Record<string, string>[]) {
      const response = await app.request('POST', ADD, { token, rawBody: body, headers: { 'content-type': 'application/json', ...headers } });
      assertInvalidArgument(response, 'body');
      assert.match(response.body.message, TOO_DEEP);
    }
  });

  it('arrays count as levels too, and so does nesting inside an unknown field of any request', async () => {
    const arrays = '['.repeat(5_000) + ']'.repeat(5_000);
    for (const [path, body] of [
      [ADD, arrays],
      ['/management/v1/orgs', `{"name":"Deep","extra":${nested(40)}}`],
      ['/admin/v1/events/_search', `{"limit":1,"x":[${nested(33)}]}`],
    ]) {
      const response = await app.request('POST', path, { token, rawBody: body, headers: { 'content-type': 'application/json' } });
      assertInvalidArgument(response, 'body');
      assert.match(response.body.message, TOO_DEEP);
    }
  });

  it('32 levels are read as usual; brackets inside strings do not count', async () => {
    const atLimit = await app.request('POST', '/management/v1/orgs', { token, rawBody: `{"name":"At the limit","extra":${nested(31)}}` });
    assert.equal(atLimit.status, 200, JSON.stringify(atLimit.body));
    const inString = await app.request('POST', '/management/v1/orgs', { token, rawBody: JSON.stringify({ name: `Brackets ${'{['.repeat(50)}` }) });
    assert.equal(inString.status, 200, JSON.stringify(inString.body));
  });
});
