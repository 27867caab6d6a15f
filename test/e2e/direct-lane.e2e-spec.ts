import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DATABASES } from '../support/databases.js';
import { readMetric } from '../support/metrics.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { ApiResponse, RequestOptions, TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const LANE_METRIC = 'http_direct_lane_requests_total';
/** Headers whose values differ from one answer to the next whichever way the request went. */
const PER_ANSWER_HEADERS = new Set(['date', 'x-request-id']);
/** Fastify closes the connection after a body it could not parse; the lane keeps it (it read the whole body). */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive']);

for (const database of DATABASES) {
  describe(`the direct lane on ${database}: the hot reads answered before Fastify, byte for byte as Fastify answers them`, () => {
    let app: TestApp;
    let owner: string;
    let orgOwnerOfOther: string;
    let custom: string;
    let inheriting: string;

    before(async () => {
      // requests logged one by one close the lane, so the level is pinned
      app = await TestApp.start({ database, env: { LOG_LEVEL: 'warn' } });
      owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      custom = await createOrg(app, owner, 'Lane custom');
      inheriting = await createOrg(app, owner, 'Lane inheriting');
      const added = await app.request('POST', '/management/v1/policies/login/second_factors', { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }, headers: orgHeader(custom) });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      orgOwnerOfOther = await developmentToken(app.config, { roles: ['ORG_OWNER'], org: inheriting });
    });
    after(() => app.close());

    const cases = (): [string, string, string, RequestOptions][] => [
      ['list 2FA of an org with a custom policy', 'POST', '/management/v1/policies/login/second_factors/_search', { token: owner, body: {}, headers: orgHeader(custom) }],
      ['list passwordless of an inheriting org, no body', 'POST', '/management/v1/policies/login/multi_factors/_search', { token: owner, headers: orgHeader(inheriting) }],
      ['GET login policy of an org', 'GET', '/management/v1/policies/login', { token: owner, headers: orgHeader(custom) }],
      ['GET default login policy', 'GET', '/admin/v1/policies/login', { token: owner }],
      ['admin list 2FA', 'POST', '/admin/v1/policies/login/second_factors/_search', { token: owner, body: { query: { limit: 5 } } }],
      ['no token: 401', 'POST', '/admin/v1/policies/login/second_factors/_search', { body: {} }],
      ['a forged token: 401', 'GET', '/admin/v1/policies/login', { token: `${owner.slice(0, -4)}AAAA` }],
      ["another org's owner: 403", 'POST', '/management/v1/policies/login/second_factors/_search', { token: orgOwnerOfOther, body: {}, headers: orgHeader(custom) }],
      ['an unknown org: 404', 'GET', '/management/v1/policies/login', { token: owner, headers: orgHeader('999999999999999999') }],
      ['malformed JSON: 400', 'POST', '/management/v1/policies/login/second_factors/_search', { token: owner, rawBody: '{"query": ', headers: orgHeader(custom) }],
      ['a body that is not an object: 400', 'POST', '/admin/v1/policies/login/multi_factors/_search', { token: owner, rawBody: '[1, 2]' }],
      ['v2 login settings of an org (ctx.orgId in the query)', 'GET', `/v2/settings/login?ctx.orgId=${custom}`, { token: owner }],
      ['v2 login settings of the instance (ctx.instance=true)', 'GET', '/v2/settings/login?ctx.instance=true', { token: owner }],
      ['v2 login settings without ctx (org header)', 'GET', '/v2/settings/login', { token: owner, headers: orgHeader(inheriting) }],
      ['v2 login settings of another org: 403', 'GET', `/v2/settings/login?ctx.orgId=${custom}`, { token: orgOwnerOfOther }],
      ['v2 login settings of an unknown org: 404', 'GET', '/v2/settings/login?ctx.orgId=999999999999999999', { token: owner }],
      ['v2 login settings, both ctx fields: 400', 'GET', `/v2/settings/login?ctx.instance=true&ctx.orgId=${custom}`, { token: owner }],
    ];

    it('answers every case as Fastify does (status, body, headers) and counts each answer it gave', async () => {
      for (const [name, method, path, options] of cases()) {
        const before = await readMetric(app.url, LANE_METRIC);
        const onLane = await app.request(method, path, options);
        assert.equal(await readMetric(app.url, LANE_METRIC), before + 1, `${name}: answered on the lane`);
        // a request with an Origin header is left to Fastify (CORS answers are Fastify's)
        const throughFastify = await app.request(method, path, { ...options, headers: { ...options.headers, origin: 'http://lane.test' } });
        assert.equal(await readMetric(app.url, LANE_METRIC), before + 1, `${name}: with Origin, not on the lane`);
        assertSameAnswer(name, onLane, throughFastify);
      }
    });

    const MANAGEMENT_2FA = '/management/v1/policies/login/second_factors';
    const ADMIN_MFA = '/admin/v1/policies/login/multi_factors';
    const refusedWrites = (): [string, string, string, RequestOptions][] => [
      ['add a factor already there: 409', 'POST', MANAGEMENT_2FA, { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }, headers: orgHeader(custom) }],
      ['add UNSPECIFIED: 400', 'POST', MANAGEMENT_2FA, { token: owner, body: { type: 'SECOND_FACTOR_TYPE_UNSPECIFIED' }, headers: orgHeader(custom) }],
      ['add an unknown name: 400', 'POST', MANAGEMENT_2FA, { token: owner, body: { type: 'NOPE' }, headers: orgHeader(custom) }],
      ['add without a body: 400', 'POST', MANAGEMENT_2FA, { token: owner, headers: orgHeader(custom) }],
      ['add with a body that is not an object: 400', 'POST', MANAGEMENT_2FA, { token: owner, rawBody: '"x"', headers: orgHeader(custom) }],
      ['remove a factor not there: 404', 'DELETE', `${MANAGEMENT_2FA}/SECOND_FACTOR_TYPE_OTP_SMS`, { token: owner, headers: orgHeader(custom) }],
      ['remove an unknown name: 400', 'DELETE', `${MANAGEMENT_2FA}/NOPE`, { token: owner, headers: orgHeader(custom) }],
      ["remove in another org's policy: 403", 'DELETE', `${MANAGEMENT_2FA}/SECOND_FACTOR_TYPE_OTP_EMAIL`, { token: orgOwnerOfOther, headers: orgHeader(custom) }],
      ['add without a token: 401', 'POST', ADMIN_MFA, { body: { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' } }],
      ['admin add a factor already there: 409', 'POST', ADMIN_MFA, { token: owner, body: { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' } }],
      ['admin remove type 0: 400', 'DELETE', `${ADMIN_MFA}/0`, { token: owner }],
    ];

    it('refuses every bad write as Fastify does, with nothing written', async () => {
      const before = await app.request('GET', '/management/v1/policies/login', { token: owner, headers: orgHeader(custom) });
      for (const [name, method, path, options] of refusedWrites()) {
        const count = await readMetric(app.url, LANE_METRIC);
        const onLane = await app.request(method, path, options);
        assert.ok(onLane.status >= 400, `${name}: refused (${onLane.status})`);
        const throughFastify = await app.request(method, path, { ...options, headers: { ...options.headers, origin: 'http://lane.test' } });
        assert.equal(await readMetric(app.url, LANE_METRIC), count + 1, `${name}: once on the lane`);
        assertSameAnswer(name, onLane, throughFastify);
      }
      const after = await app.request('GET', '/management/v1/policies/login', { token: owner, headers: orgHeader(custom) });
      assert.deepEqual(after.body, before.body, 'no refused write changed the policy');
    });

    it('makes the same changes as Fastify: add on the lane, remove through Fastify, and the other way round', async () => {
      const change = (method: string, path: string, options: RequestOptions, viaFastify: boolean) =>
        app.request(method, path, viaFastify ? { ...options, headers: { ...options.headers, origin: 'http://lane.test' } } : options);
      const shapes: string[][] = [];
      for (const viaFastify of [false, true]) {
        const count = await readMetric(app.url, LANE_METRIC);
        const added = await change('POST', MANAGEMENT_2FA, { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, headers: orgHeader(custom) }, viaFastify);
        const removed = await change('DELETE', `${MANAGEMENT_2FA}/SECOND_FACTOR_TYPE_OTP_SMS`, { token: owner, headers: orgHeader(custom) }, !viaFastify);
        assert.equal(await readMetric(app.url, LANE_METRIC), count + 1, 'one of the two on the lane');
        for (const answer of [added, removed]) assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.equal(Number(removed.body.details.sequence), Number(added.body.details.sequence) + 1);
        assert.equal(added.body.details.resourceOwner, custom);
        shapes.push([added, removed].map((answer) => Object.keys(answer.body.details).sort().join(',')));
      }
      assert.deepEqual(shapes[0], shapes[1], 'an add and a remove answer the same fields whichever way they went');
      // the number form of a path enum, and a percent-encoded name (left to Fastify), mean the same factor
      const count = await readMetric(app.url, LANE_METRIC);
      const byNumber = await app.request('DELETE', `${ADMIN_MFA}/1`, { token: owner });
      const encoded = await app.request('DELETE', `${ADMIN_MFA}/MULTI_FACTOR_TYPE_U2F_WITH%5FVERIFICATION`, { token: owner });
      assert.equal(await readMetric(app.url, LANE_METRIC), count + 1, 'the encoded name went to Fastify');
      assert.equal(byNumber.status, 200, JSON.stringify(byNumber.body));
      assert.equal(encoded.status, 404, 'already removed by number');
    });

    it('leaves a query string, a HEAD, a path with a trailing slash and a large body to Fastify, with the same answers', async () => {
      const path = '/admin/v1/policies/login/second_factors/_search';
      const before = await readMetric(app.url, LANE_METRIC);
      const plain = await app.request('POST', path, { token: owner, body: {} });
      const withQuery = await app.request('POST', `${path}?trace=1`, { token: owner, body: {} });
      const large = await app.request('POST', path, { token: owner, body: { filler: 'x'.repeat(70 * 1024) } });
      const head = await app.request('HEAD', '/admin/v1/policies/login', { token: owner });
      const slash = await app.request('POST', `${path}/`, { token: owner, body: {} });
      assert.equal(await readMetric(app.url, LANE_METRIC), before + 1, 'only the plain request took the lane');
      assertSameAnswer('query string', plain, withQuery);
      assertSameAnswer('large body', plain, large);
      assert.equal(head.status, 200);
      assert.equal(slash.status, 404, 'Fastify does not ignore a trailing slash, and neither does the lane');
    });

    it('lets a client go away in the middle of a body, and answers the next one', async () => {
      const { port } = new URL(app.url);
      const count = await readMetric(app.url, LANE_METRIC);
      await new Promise<void>((done, fail) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            'POST /admin/v1/policies/login/second_factors/_search HTTP/1.1\r\nHost: lane.test\r\n' +
              `authorization: Bearer ${owner}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"query":`,
            () => setTimeout(() => socket.destroy(), 50),
          );
        });
        socket.on('close', () => done());
        socket.on('error', fail);
      });
      assert.equal(await readMetric(app.url, LANE_METRIC), count + 1, 'the half-sent request was on the lane');
      const next = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token: owner, body: {} });
      assert.equal(next.status, 200);
    });

    it('reads headers in any spelling, and headers sent twice, as Fastify does', async () => {
      const { port } = new URL(app.url);
      const path = '/management/v1/policies/login/second_factors/_search';
      const variants: [string, string[]][] = [
        ['names in capitals', [`AUTHORIZATION: Bearer ${owner}`, `X-Zitadel-OrgId: ${custom}`]],
        ['the org twice (node joins the values)', [`authorization: Bearer ${owner}`, `x-zitadel-orgid: ${custom}`, `x-zitadel-orgid: ${inheriting}`]],
        ['the token twice, the first one valid', [`authorization: Bearer ${owner}`, `Authorization: Bearer ${owner.slice(0, -4)}AAAA`, `x-zitadel-orgid: ${custom}`]],
        ['the token twice, the first one forged', [`authorization: Bearer ${owner.slice(0, -4)}AAAA`, `authorization: Bearer ${owner}`, `x-zitadel-orgid: ${custom}`]],
      ];
      for (const [name, headers] of variants) {
        const count = await readMetric(app.url, LANE_METRIC);
        const onLane = await rawPost(Number(port), path, headers);
        assert.equal(await readMetric(app.url, LANE_METRIC), count + 1, `${name}: answered on the lane`);
        const throughFastify = await rawPost(Number(port), path, [...headers, 'Origin: http://lane.test']);
        assert.equal(await readMetric(app.url, LANE_METRIC), count + 1, `${name}: with Origin, not on the lane`);
        assert.equal(onLane.status, throughFastify.status, `${name}: status`);
        assert.deepEqual(onLane.body, throughFastify.body, `${name}: body`);
      }
    });

    it('shows a change made through a write on the next read on the lane', async () => {
      for (const [round, add] of [true, false, true, false].entries()) {
        const change = add
          ? await app.request('POST', '/management/v1/policies/login/second_factors', { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, headers: orgHeader(custom) })
          : await app.request('DELETE', '/management/v1/policies/login/second_factors/SECOND_FACTOR_TYPE_OTP_SMS', { token: owner, headers: orgHeader(custom) });
        assert.equal(change.status, 200, JSON.stringify(change.body));
        const listed = await app.request('POST', '/management/v1/policies/login/second_factors/_search', { token: owner, body: {}, headers: orgHeader(custom) });
        assert.equal(listed.body.result.includes('SECOND_FACTOR_TYPE_OTP_SMS'), add, `round ${round}`);
      }
    });
  });
}

/** A POST of `{}` with exactly these header lines (names spelled and repeated as given), over a socket of its own. */
function rawPost(port: number, path: string, headers: string[]): Promise<{ status: number; body: unknown }> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      socket.write([`POST ${path} HTTP/1.1`, 'Host: lane.test', 'Connection: close', 'Content-Type: application/json', 'Content-Length: 2', ...headers, '', '{}'].join('\r\n'));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', fail);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
      done({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
    });
  });
}

function assertSameAnswer(name: string, lane: ApiResponse, fastify: ApiResponse): void {
  assert.equal(lane.status, fastify.status, `${name}: status`);
  assert.deepEqual(lane.body, fastify.body, `${name}: body`);
  const headers = (response: ApiResponse) =>
    Object.fromEntries([...response.headers].filter(([header]) => !PER_ANSWER_HEADERS.has(header) && !CONNECTION_HEADERS.has(header)));
  assert.deepEqual(headers(lane), headers(fastify), `${name}: headers`);
  assert.match(lane.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, `${name}: a request id`);
}
