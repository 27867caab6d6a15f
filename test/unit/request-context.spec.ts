import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryMessage } from '../../src/common/api/query-message.js';
import { requestedOwnerOf } from '../../src/common/auth/request-context.js';
import { DomainError } from '../../src/common/errors/domain-error.js';

describe('a GET query string as its request message', () => {
  it('nests dotted names into fields, by JSON or protobuf name; a repeated name is a list', () => {
    assert.deepEqual(queryMessage({ 'ctx.orgId': '1' }), { ctx: { orgId: '1' } });
    assert.deepEqual(queryMessage({ 'ctx.org_id': '1', 'ctx.instance': 'false' }), { ctx: { orgId: '1', instance: 'false' } });
    assert.deepEqual(queryMessage({ 'a.b.c': ['1', '2'] }), { a: { b: { c: ['1', '2'] } } });
    assert.equal(queryMessage({}), undefined);
    assert.equal(queryMessage(undefined), undefined);
  });

  it('never reaches a prototype, and skips empty parts', () => {
    const message = queryMessage({ '__proto__.polluted': 'yes', 'ctx.constructor.x': '1', 'a..b': '1', '': '1' });
    assert.equal(message, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses a name that is both a value and a message with 400', () => {
    assert.throws(() => queryMessage({ ctx: '1', 'ctx.orgId': '2' }), (error: unknown) => error instanceof DomainError && error.message.includes('ctx.orgId'));
    assert.throws(() => queryMessage({ 'ctx.orgId': '2', ctx: '1' }), DomainError);
    assert.throws(() => queryMessage({ 'ctx.orgId': '1', 'ctx.org_id': '2' }), DomainError);
  });
});

describe("a v2 request's ctx, read for the access rule", () => {
  it('is the instance when ctx.instance is true (bool or text), else the org of a non-empty ctx.orgId, else neither', () => {
    assert.deepEqual(requestedOwnerOf({ ctx: { instance: true } }), { instance: true, orgId: undefined });
    assert.deepEqual(requestedOwnerOf({ ctx: { instance: 'true' } }), { instance: true, orgId: undefined });
    assert.deepEqual(requestedOwnerOf({ ctx: { orgId: '7', instance: false, resourceOwner: 'orgId' } }), { instance: false, orgId: '7' });
    assert.deepEqual(requestedOwnerOf({ ctx: { orgId: '', instance: false } }), { instance: false, orgId: undefined });
    assert.deepEqual(requestedOwnerOf({ ctx: null }), { instance: false, orgId: undefined });
    assert.deepEqual(requestedOwnerOf(undefined), { instance: false, orgId: undefined });
    assert.deepEqual(requestedOwnerOf({ ctx: { orgId: ['1', '2'] } }), { instance: false, orgId: undefined });
  });
});
