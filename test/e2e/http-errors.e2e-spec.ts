import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { assertError, assertInvalidArgument } from '../support/assertions.js';
import { SqlDatabase } from '../../src/common/database/sql-database.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const ADD = '/admin/v1/policies/login/second_factors';

describe('every failure answers in the one error shape', () => {
  let app: TestApp;
  let token: string;
  before(async () => {
    app = await TestApp.start();
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(() => app.close());

  it('malformed JSON answers 400 INVALID_ARGUMENT', async () => {
    const response = await app.request('POST', ADD, { token, rawBody: '{"type": ', headers: { 'content-type': 'application/json' } });
    assertInvalidArgument(response, 'body', 'invalid JSON in the request body');
  });

  it('a JSON body sent without a Content-Type header is read as JSON (like curl -d)', async () => {
    const response = await app.request('POST', ADD, {
      token,
      rawBody: '{"type":"SECOND_FACTOR_TYPE_OTP_SMS"}',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  it('a 2 MB body answers 413 with code 8 RESOURCE_EXHAUSTED', async () => {
    const body = JSON.stringify({ type: 1, padding: 'x'.repeat(2 * 1024 * 1024) });
    const response = await app.request('POST', ADD, { token, rawBody: body, headers: { 'content-type': 'application/json' } });
    assertError(response, 413, 8);
  });

  it('an unknown route answers 404 NOT_FOUND', async () => {
    const response = await app.request('GET', '/admin/v1/nothing/here', { token });
    assertError(response, 404, 5);
    assert.equal(response.body.message, 'no route for GET /admin/v1/nothing/here');
  });

  it('a wrong method on a known path answers 405 with code 12 and an Allow header', async () => {
    const response = await app.request('PATCH', '/admin/v1/policies/login', { token });
    assertError(response, 405, 12);
    assert.equal(response.headers.get('allow'), 'GET, PUT');
  });

  it('a wrong method on a parameterised path answers 405 too', async () => {
    const response = await app.request('GET', `${ADD}/SECOND_FACTOR_TYPE_OTP`, { token });
    assertError(response, 405, 12);
    assert.equal(response.headers.get('allow'), 'DELETE');
  });

  it('a known path with a slash added is another path: 404, not a 405 that allows the method asked for', async () => {
    const response = await app.request('POST', '/admin/v1/policies/login/second_factors/_search/', { token, body: {} });
    assertError(response, 404, 5);
    assert.equal(response.headers.get('allow'), null);
  });

  it('every answer carries a request id header', async () => {
    const response = await app.request('GET', '/debug/healthz');
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});

describe('database failures', () => {
  it('an unexpected database error answers 500 "Internal error" with a correlation id and no SQL', async () => {
    const app = await TestApp.start();
    try {
      const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      await app.app.get(DataSource).query('DROP TABLE login_policy_factors');
      const response = await app.request('POST', ADD, { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } });
      assertError(response, 500, 13);
      assert.equal(response.body.message, 'Internal error');
      const detail = response.body.details[0];
      assert.equal(detail['@type'], 'type.googleapis.com/google.rpc.RequestInfo');
      assert.equal(detail.requestId, response.headers.get('x-request-id'));
      const text = JSON.stringify(response.body);
      assert.doesNotMatch(text, /login_policy_factors|SQLITE|select|insert|at .*\.js/i);
    } finally {
      await app.close();
    }
  });

  it('a failed command leaves no event behind (the transaction is rolled back)', async () => {
    const app = await TestApp.start();
    try {
      const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      const dataSource = app.app.get(DataSource);
      const [{ count: before }] = await dataSource.query('SELECT COUNT(*) AS count FROM events');
      await dataSource.query('DROP TABLE login_policy_factors');
      assertError(await app.request('POST', ADD, { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } }), 500, 13);
      const [{ count: after }] = await dataSource.query('SELECT COUNT(*) AS count FROM events');
      assert.equal(Number(after), Number(before));
    } finally {
      await app.close();
    }
  });

  it('/debug/ready answers 503 UNAVAILABLE when the database does not answer within 2 s', async () => {
    const app = await TestApp.start();
    try {
      const db = app.app.get(SqlDatabase);
      db.ping = () => new Promise<void>(() => undefined); // a database that hangs
      const started = performance.now();
      const response = await app.request('GET', '/debug/ready');
      const waited = performance.now() - started;
      assertError(response, 503, 14);
      assert.match(response.body.message, /database/);
      assert.ok(waited >= 1900 && waited < 4000, `answered after ${waited.toFixed(0)} ms`);
    } finally {
      await app.close();
    }
  });

  it('/debug/ready answers 503 UNAVAILABLE when the database is gone, 200 before', async () => {
    const app = await TestApp.start();
    try {
      assert.equal((await app.request('GET', '/debug/ready')).status, 200);
      await app.app.get(DataSource).destroy();
      const response = await app.request('GET', '/debug/ready');
      assertError(response, 503, 14);
      assert.match(response.body.message, /database/);
      assert.equal((await app.request('GET', '/debug/healthz')).status, 200);
    } finally {
      await app.close();
    }
  });
});
