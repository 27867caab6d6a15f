import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { Operation, Schema, openApiOperations } from '../support/openapi-operations.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { ApiResponse, TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

type Raw = Record<string, any>;

interface DocumentedOperation {
  name: string;
  method: string;
  path: string;
  operation: Raw;
}

interface ErrorExample {
  operation: DocumentedOperation;
  status: number;
  /** The example's name: the error id, else its kind and field (`INVALID_ARGUMENT type`). */
  name: string;
  value: Raw;
}

function operationsOf(document: Raw): DocumentedOperation[] {
  return Object.entries(document.paths as Raw).flatMap(([path, methods]) =>
    Object.entries(methods as Raw).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, operation })),
  );
}

function errorExamplesOf(document: Raw): ErrorExample[] {
  return operationsOf(document).flatMap((operation) =>
    Object.entries(operation.operation.responses as Raw)
      .filter(([status]) => Number(status) >= 400)
      .flatMap(([status, response]) =>
        Object.entries((response.content?.['application/json']?.examples ?? {}) as Raw).map(([name, example]) => ({ operation, status: Number(status), name, value: example.value })),
      ),
  );
}

/** The HTTP status of each gRPC code (SPEC §6), for the codes the documented errors carry. */
const STATUS_OF_CODE: Record<number, number> = { 3: 400, 9: 400, 16: 401, 7: 403, 5: 404, 6: 409 };

/** Every schema below `schema` (itself included): properties and array items. */
function schemasIn(schema: Schema | undefined): Schema[] {
  if (!schema) return [];
  return [schema, ...Object.values(schema.properties ?? {}).flatMap(schemasIn), ...schemasIn(schema.items)];
}

/** A request body built from the schema's examples, as Swagger UI builds it. */
function sampleOf(schema: Schema | undefined): unknown {
  if (!schema) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (schema.items) return [sampleOf(schema.items)];
  if (schema.properties) return Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, sampleOf(property)]));
  return schema.type === 'boolean' ? true : undefined;
}

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
    const operations = operationsOf(served);
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

  it('operationIds are unique (the multi_factors/_search alias has its own)', () => {
    const ids = operationsOf(served).map(({ operation }) => operation.operationId);
    assert.deepEqual(
      ids.filter((id, index) => ids.indexOf(id) !== index),
      [],
    );
    assert.equal(served.paths['/management/v1/policies/login/auth_factors/_search'].post.operationId, 'ManagementService_ListLoginPolicyMultiFactors');
    assert.equal(served.paths['/management/v1/policies/login/multi_factors/_search'].post.operationId, 'ManagementService_ListLoginPolicyMultiFactors_alias');
  });

  it('every error response shows examples, each with a code of its own status, and the shared schema shows none', () => {
    for (const { name, operation } of operationsOf(served)) {
      for (const [status, response] of Object.entries(operation.responses as Raw).filter(([code]) => Number(code) >= 400)) {
        assert.ok(Object.keys(response.content?.['application/json']?.examples ?? {}).length > 0, `${name} ${status} shows an example`);
      }
    }
    for (const { operation, status, name, value } of errorExamplesOf(served)) {
      assert.equal(STATUS_OF_CODE[value.code], status, `${operation.name} ${status} example ${name} has code ${value.code}`);
      assert.equal(typeof value.message, 'string');
      assert.ok(Array.isArray(value.details));
    }
    assert.deepEqual(
      Object.values(served.components.schemas.ErrorBodyDto.properties as Raw).filter((property) => property.example !== undefined),
      [],
    );
  });

  it('401, 403 and 404 show the answers of SPEC §5; 409 only on the operations that add', () => {
    const examples = errorExamplesOf(served);
    for (const { operation } of examples) {
      const names = (status: number) => examples.filter((e) => e.operation === operation && e.status === status).map((e) => e.name);
      assert.deepEqual(names(401), ['UNAUTHENTICATED', 'AUTH-7fs1e'], operation.name);
      assert.deepEqual(names(403), ['AUTH-5mWD2'], operation.name);
      if (operation.path.startsWith('/management/v1/policies') || operation.path === '/management/v1/orgs/me') {
        assert.ok(names(400).includes('INVALID_ARGUMENT x-zitadel-orgid'), `${operation.name}: no org given`);
        assert.ok(names(404).includes('Org-n0tFd'), `${operation.name}: unknown org`);
      }
      if (operation.path.startsWith('/admin/v1/policies')) assert.ok(names(404).every((id) => id.startsWith('INSTANCE-')), `${operation.name}: ${names(404)}`);
      if (names(409).length > 0) assert.match(operation.operation.operationId, /_Add/, `${operation.name} documents a 409`);
    }
    const unauthenticated = examples.find((e) => e.name === 'UNAUTHENTICATED')!;
    assert.deepEqual(unauthenticated.value, { code: 16, message: 'auth header missing', details: [] });
    const denied = examples.find((e) => e.name === 'AUTH-5mWD2')!;
    assert.equal(denied.value.message, 'No matching permissions found (AUTH-5mWD2)');
    const badRequests = examples.filter((e) => e.status === 400 && e.value.code === 3);
    assert.ok(badRequests.length > 0);
    for (const { operation, name, value } of badRequests) {
      assert.equal(value.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest', `${operation.name} ${name}`);
    }
  });

  it('no input offers an UNSPECIFIED value: not in a path enum, a body enum or an example', () => {
    for (const operation of openApiOperations()) {
      const inputs = [...operation.pathParams.map((param) => param.schema), operation.body].flatMap(schemasIn);
      for (const schema of inputs) {
        for (const value of [...(schema.enum ?? []), schema.example].flat()) {
          assert.doesNotMatch(String(value), /_UNSPECIFIED$/, `${operation.operationId} offers ${value}`);
        }
      }
    }
    const removeParam = openApiOperations().find((operation) => operation.operationId === 'AdminService_RemoveSecondFactorFromLoginPolicy')!.pathParams[0];
    assert.equal(removeParam.schema.example, 'SECOND_FACTOR_TYPE_OTP');
  });

  it('uint64 fields are strings, uint32 fields integers, and no field is a bare object', () => {
    const schemas = served.components.schemas as Record<string, Schema & { properties?: Record<string, Raw> }>;
    for (const [schemaName, schema] of Object.entries(schemas)) {
      for (const [field, property] of Object.entries(schema.properties ?? {})) {
        const where = `${schemaName}.${field}`;
        if (property.format === 'uint64') assert.equal(property.type, 'string', where);
        if (property.type === 'object') assert.ok(property.properties || property.additionalProperties, `${where} is a bare object`);
      }
    }
    for (const [schemaName, field] of [['ListEventsRequest', 'sequence'], ['ListEventsRequest', 'position'], ['ListQuery', 'offset']]) {
      assert.deepEqual([schemas[schemaName].properties![field].type, schemas[schemaName].properties![field].format], ['string', 'uint64'], `${schemaName}.${field}`);
    }
    for (const [schemaName, field] of [['ListEventsRequest', 'limit'], ['ListQuery', 'limit']]) {
      assert.equal(schemas[schemaName].properties![field].type, 'integer', `${schemaName}.${field}`);
    }
  });

  it('the _search bodies are optional; ListEvents shows {"asc": true, "limit": 10}', () => {
    const searches = operationsOf(served).filter(({ path }) => path.endsWith('/_search'));
    assert.equal(searches.length, 7);
    for (const { name, operation } of searches) assert.equal(operation.requestBody?.required, false, name);
    const listEvents = served.paths['/admin/v1/events/_search'].post.requestBody.content['application/json'];
    assert.deepEqual(Object.values(listEvents.examples as Raw).map((example) => example.value), [{ asc: true, limit: 10 }]);
  });

  it('the page has a title, keeps the authorization across reloads, and the description says how to mint a token', async () => {
    const page = await app.request('GET', '/docs');
    assert.match(page.body, /<title>Login-policy factors API<\/title>/);
    const init = await app.request('GET', '/docs/swagger-ui-init.js');
    assert.match(init.body, /"persistAuthorization": true/);
    assert.match(served.info.description, /npm run -s token -- --role IAM_OWNER/);
  });

  describe('against the running service', () => {
    let owner: string;
    let noRoles: string;
    const operations = new Map<string, Operation>();
    before(async () => {
      owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      noRoles = await developmentToken(app.config, { roles: [] });
      for (const operation of openApiOperations()) operations.set(`${operation.method} ${operation.path}`, operation);
    });

    interface Call {
      token?: string;
      /** The org to send in `x-zitadel-orgid`; a new org when absent, none when null. */
      org?: string | null;
      body?: unknown;
      params?: Record<string, string>;
    }

    /** Calls the operation as Swagger UI would: the documented examples, unless the call says otherwise. */
    async function call(documented: DocumentedOperation, options: Call = {}): Promise<ApiResponse> {
      const operation = operations.get(documented.name)!;
      const path = documented.path.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(options.params?.[name] ?? String(operation.pathParams.find((param) => param.name === name)?.schema.example ?? '1')),
      );
      const mediaExamples = documented.operation.requestBody?.content?.['application/json']?.examples as Raw | undefined;
      const body = 'body' in options ? options.body : mediaExamples ? Object.values(mediaExamples)[0].value : sampleOf(operation.body);
      let org = options.org;
      if (org === undefined && operation.headers.includes('x-zitadel-orgid')) org = await createOrg(app, owner);
      return app.request(documented.method, path, { token: options.token, body, headers: org ? orgHeader(org) : {} });
    }

    const twice = async (operation: DocumentedOperation, options: Call = {}) => {
      const org = options.org === undefined && operations.get(operation.name)!.headers.includes('x-zitadel-orgid') ? await createOrg(app, owner) : options.org;
      await call(operation, { ...options, org });
      return call(operation, { ...options, org });
    };

    /** How to provoke each documented error: by example name, or by operationId and example name. */
    const provocations: Record<string, (operation: DocumentedOperation) => Promise<ApiResponse>> = {
      UNAUTHENTICATED: (operation) => call(operation),
      'AUTH-7fs1e': (operation) => call(operation, { token: 'not-a-token' }),
      'AUTH-5mWD2': (operation) => call(operation, { token: noRoles }),
      'INVALID_ARGUMENT x-zitadel-orgid': (operation) => call(operation, { token: owner, org: null }),
      'Org-n0tFd': (operation) => call(operation, { token: owner, org: '999', params: { id: '999' } }),
      'INVALID_ARGUMENT passwordCheckLifetime': (operation) => call(operation, { token: owner, body: { passwordCheckLifetime: 'ten days' } }),
      'INSTANCE-5M9vdd': (operation) => twice(operation, { token: owner }),
      'INVALID_ARGUMENT type': (operation) => (operation.method === 'DELETE' ? call(operation, { token: owner, params: { type: '7' } }) : call(operation, { token: owner, body: { type: 0 } })),
      'INVALID_ARGUMENT secondFactors': (operation) => call(operation, { token: owner, body: { secondFactors: [9] } }),
      'INVALID_ARGUMENT name': (operation) => call(operation, { token: owner, body: { name: '' } }),
      'INVALID_ARGUMENT query.limit': (operation) => call(operation, { token: owner, body: { query: { limit: 1001 } } }),
      'INVALID_ARGUMENT aggregateTypes': (operation) => call(operation, { token: owner, body: { aggregateTypes: ['user'] } }),
      'ManagementService_UpdateCustomLoginPolicy Org-5M9vdd': async (operation) => {
        const org = await createOrg(app, owner);
        await app.request('POST', '/management/v1/policies/login', { token: owner, body: {}, headers: orgHeader(org) });
        return twice(operation, { token: owner, org });
      },
      'ManagementService_UpdateCustomLoginPolicy Org-M0sif': (operation) => call(operation, { token: owner }),
      'ManagementService_ResetLoginPolicyToDefault Org-GHB37': (operation) => call(operation, { token: owner }),
    };
    // adding twice answers 409, removing twice 404: the factor errors of both levels
    for (const id of ['INSTANCE-2B0ps', 'INSTANCE-3M9od', 'INSTANCE-3M9df', 'Org-2B0ps', 'Org-3M9od', 'Org-3M9df', 'Org-Dgfb2']) {
      provocations[id] = (operation) => twice(operation, { token: owner });
    }

    it('every documented error example is exactly what the service answers there', async () => {
      const examples = errorExamplesOf(served);
      assert.ok(examples.length > 100, `${examples.length} examples`);
      for (const { operation, status, name, value } of examples) {
        const provoke = provocations[`${operation.operation.operationId} ${name}`] ?? provocations[name];
        assert.ok(provoke, `no way to provoke ${operation.name} ${status} ${name}: add one to this test`);
        const answer = await provoke(operation);
        assert.deepEqual({ status: answer.status, body: answer.body }, { status, body: value }, `${operation.name} ${status} ${name}`);
      }
    });

    it('the ListEvents example, sent as it stands, returns the first events', async () => {
      const answer = await call(operationsOf(served).find(({ path }) => path === '/admin/v1/events/_search')!, { token: owner });
      assert.equal(answer.status, 200);
      assert.ok(answer.body.events.length > 0 && answer.body.events.length <= 10);
      assert.deepEqual(answer.body.events.slice(0, 2).map((event: Raw) => [event.sequence, event.type]), [
        ['1', 'instance.added'],
        ['2', 'instance.policy.login.added'],
      ]);
    });
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
