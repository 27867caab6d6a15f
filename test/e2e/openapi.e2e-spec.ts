import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { TestApp } from '../support/test-app.js';

describe('OpenAPI document', () => {
  let app: TestApp;
  let served: any;
  before(async () => {
    app = await TestApp.start();
    served = (await app.request('GET', '/docs/openapi.json')).body;
  });
  after(() => app.close());

  it('the committed docs/openapi.json is exactly what the code generates (run "npm run openapi" after API changes)', async () => {
    const committed = JSON.parse(await readFile('docs/openapi.json', 'utf8'));
    assert.deepEqual(served, committed);
  });

  it('every operation has a summary, a description, bearer auth, a 200 schema and the 401/403 error schema', () => {
    const operations = Object.entries(served.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );
    assert.ok(operations.length >= 8);
    for (const { name, operation } of operations) {
      assert.ok(operation.summary, `${name} has a summary`);
      assert.ok(operation.description, `${name} has a description`);
      assert.deepEqual(operation.security, [{ bearer: [] }], `${name} needs bearer auth`);
      assert.ok(operation.responses['200']?.content?.['application/json']?.schema, `${name} documents its 200 body`);
      for (const status of ['401', '403']) {
        assert.equal(operation.responses[status]?.content?.['application/json']?.schema?.$ref, '#/components/schemas/ErrorBodyDto', `${name} ${status}`);
      }
    }
  });

  it('the factor enums are named schemas listing their values', () => {
    assert.deepEqual(served.components.schemas.SecondFactorType.enum, [
      'SECOND_FACTOR_TYPE_UNSPECIFIED',
      'SECOND_FACTOR_TYPE_OTP',
      'SECOND_FACTOR_TYPE_U2F',
      'SECOND_FACTOR_TYPE_OTP_EMAIL',
      'SECOND_FACTOR_TYPE_OTP_SMS',
    ]);
    assert.deepEqual(served.components.schemas.MultiFactorType.enum, ['MULTI_FACTOR_TYPE_UNSPECIFIED', 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);
  });
});
