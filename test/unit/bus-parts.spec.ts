import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiRequestPattern, isApiRequestPattern } from '../../src/common/bus/bus-names.js';
import { BusMetadata } from '../../src/common/bus/bus-metadata.js';
import { redisConnection } from '../../src/common/bus/redis-connection.js';

describe('bus request patterns', () => {
  it('are <proto package>.<Service>.<Method> for the Admin and Management services only', () => {
    assert.equal(apiRequestPattern('AdminService', 'ListEvents'), 'zitadel.admin.v1.AdminService.ListEvents');
    assert.equal(apiRequestPattern('ManagementService', 'AddOrg'), 'zitadel.management.v1.ManagementService.AddOrg');
    assert.equal(isApiRequestPattern('zitadel.management.v1.ManagementService.AddOrg'), true);
    assert.equal(isApiRequestPattern('zitadel.events.org.added'), false);
    assert.equal(isApiRequestPattern('zitadel.admin.v1.ManagementService.AddOrg'), false);
    assert.equal(isApiRequestPattern({ service: 'AdminService', rpc: 'ListEvents' }), false);
  });
});

describe('bus request metadata', () => {
  it('reads string values case-insensitively, as gRPC metadata is read, and ignores anything else', () => {
    const metadata = new BusMetadata('p', { Authorization: 'Bearer abc', 'x-zitadel-orgid': '42', retries: 3 });
    assert.deepEqual(metadata.get('authorization'), ['Bearer abc']);
    assert.deepEqual(metadata.get('X-ZITADEL-ORGID'), ['42']);
    assert.deepEqual(metadata.get('retries'), []);
    assert.deepEqual(new BusMetadata('p', { authorization: 'Bearer a', Authorization: 'Bearer b' }).get('authorization'), ['Bearer a', 'Bearer b'], 'keys differing in case only: one key, two values');
    for (const malformed of [undefined, null, 'Bearer abc', ['Bearer abc']]) {
      assert.deepEqual(new BusMetadata('p', malformed).get('authorization'), []);
    }
  });
});

describe('Redis connection from BUS_URL', () => {
  it('takes host, port, credentials, database and TLS from the URL', () => {
    assert.deepEqual(redisConnection('redis://127.0.0.1:6379'), { host: '127.0.0.1', port: 6379 });
    assert.deepEqual(redisConnection('rediss://user:p%40ss@cache.internal:6380/2'), {
      host: 'cache.internal',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
    assert.deepEqual(redisConnection('redis://cache'), { host: 'cache', port: 6379 });
  });
});
