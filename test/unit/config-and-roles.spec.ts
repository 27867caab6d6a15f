import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reflector } from '@nestjs/core';
import { ExecutionContext } from '@nestjs/common';
import { AccessGuard } from '../../src/common/auth/access.guard.js';
import { AccessPolicy } from '../../src/common/auth/access-policy.service.js';
import { authContextFromClaims } from '../../src/common/auth/role-claim.js';
import { parseRolePermissions } from '../../src/common/auth/role-permissions.js';
import { loadConfig } from '../../src/common/config/load-config.js';
import { DomainError } from '../../src/common/errors/domain-error.js';

const ROLES = 'urn:zitadel:iam:org:project:roles';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/lpf-defaults' });
    assert.equal(config.httpHost, '0.0.0.0');
    assert.equal(config.httpPort, 8080);
    assert.equal(config.grpcHost, '0.0.0.0');
    assert.equal(config.grpcPort, 50051);
    assert.deepEqual(config.database, { kind: 'sqlite', file: '/tmp/lpf-defaults/login-policy-factors.sqlite' });
    assert.equal(config.auth.mode, 'development');
    assert.deepEqual(config.bus, { transport: 'none' });
    assert.equal(config.migrationsRun, true);
    assert.equal(config.migrationLockWaitMs, 120_000);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.instanceId, undefined);
    assert.deepEqual(config.corsOrigins, []);
    assert.deepEqual(config.limits, { rate: { perSecond: 1000, burst: 2000 }, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 10_000 });
  });

  it('reads HTTP_HOST and GRPC_HOST: IPv4 and IPv6 addresses (brackets optional) and host names', () => {
    for (const [raw, host] of [
      ['127.0.0.1', '127.0.0.1'],
      [' 10.0.0.7 ', '10.0.0.7'],
      ['::', '::'],
      ['::1', '::1'],
      ['[::1]', '::1'],
      ['fd00::1:2', 'fd00::1:2'],
      ['localhost', 'localhost'],
      ['factors-1.internal.example.com', 'factors-1.internal.example.com'],
      ['login_policy', 'login_policy'],
    ]) {
      assert.equal(loadConfig({ HTTP_HOST: raw }).httpHost, host, `HTTP_HOST=${raw}`);
      assert.equal(loadConfig({ GRPC_HOST: raw }).grpcHost, host, `GRPC_HOST=${raw}`);
    }
    const config = loadConfig({ HTTP_HOST: '127.0.0.1', GRPC_HOST: '::1' });
    assert.deepEqual([config.httpHost, config.grpcHost], ['127.0.0.1', '::1'], 'each door has its own');
    assert.equal(loadConfig({ HTTP_HOST: '' }).httpHost, '0.0.0.0', 'empty is unset');
  });

  for (const name of ['HTTP_HOST', 'GRPC_HOST']) {
    it(`refuses a ${name} that is no address or host name (a port, a URL, a bad IPv4 or IPv6 address) with one line naming the variable and the value`, () => {
      for (const raw of ['256.1.1.1', '1.2.3', '0.0.0.0:8080', 'localhost:8080', '[::1]:50051', ':::1', 'http://localhost', 'local host', '-leading-hyphen', 'a..b', `${'a'.repeat(64)}.example`, '[127.0.0.1]']) {
        assert.throws(
          () => loadConfig({ [name]: raw }),
          {
            name: 'ConfigError',
            message: `Invalid configuration: ${name} must be an IPv4 address, an IPv6 address or a host name, without a port (like 0.0.0.0, 127.0.0.1, ::, ::1 or localhost), got "${raw}"`,
          },
          `${name}=${raw}`,
        );
      }
    });
  }

  it('reads the abuse limits; RATE_LIMIT_PER_SECOND=0 turns the rate limit off', () => {
    const limits = loadConfig({ RATE_LIMIT_PER_SECOND: '50', RATE_LIMIT_BURST: '80', HTTP_HEADERS_TIMEOUT_SECONDS: '5', HTTP_REQUEST_TIMEOUT_SECONDS: '5', MAX_CONNECTIONS: '100' }).limits;
    assert.deepEqual(limits, { rate: { perSecond: 50, burst: 80 }, headersTimeoutMs: 5000, requestTimeoutMs: 5000, maxConnections: 100 });
    assert.equal(loadConfig({ RATE_LIMIT_PER_SECOND: '0' }).limits.rate, undefined);
    // a burst below the rate would refuse callers that keep to the rate
    assert.deepEqual(loadConfig({ RATE_LIMIT_PER_SECOND: '5000' }).limits.rate, { perSecond: 5000, burst: 5000 });
  });

  it('reads MySQL URLs (mysql: or mariadb:) and issuer settings', () => {
    const config = loadConfig({
      DATABASE_URL: 'mariadb://root:pw@127.0.0.1:3306/factors',
      AUTH_ISSUER: 'https://issuer.example.com',
      AUTH_AUDIENCE: 'api',
      MIGRATIONS_RUN: 'false',
      GRPC_PORT: '0',
    });
    assert.deepEqual(config.database, { kind: 'mysql', urls: ['mysql://root:pw@127.0.0.1:3306/factors'] });
    assert.deepEqual(config.auth, { mode: 'issuer', issuer: 'https://issuer.example.com', jwksUri: undefined, audience: 'api', tokenCacheSize: 10_000 });
    assert.equal(config.migrationsRun, false);
    assert.equal(config.grpcPort, 0);
  });

  it('reads several MySQL hosts in the connectors\' comma form: one URL each, in order, 3306 when a host names no port', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://app:p%40ss@db1:3306,db2:3307,db3,[::1]:3309/factors?ssl=false' });
    assert.deepEqual(config.database, {
      kind: 'mysql',
      urls: ['mysql://app:p%40ss@db1:3306/factors?ssl=false', 'mysql://app:p%40ss@db2:3307/factors?ssl=false', 'mysql://app:p%40ss@db3:3306/factors?ssl=false', 'mysql://app:p%40ss@[::1]:3309/factors?ssl=false'],
    });
    for (const [raw, message] of [
      ['mysql://u@db1:3306,,db3:3306/factors', /DATABASE_URL host 2 of 3 is empty/],
      ['mysql://u@db1:3306,:3307/factors', /DATABASE_URL host 2 of 2 is empty/],
      ['mysql://u@/factors', /DATABASE_URL its host is empty/],
      ['mysql://u@db1:3306,db2:99999/factors', /DATABASE_URL host 2 of 2 has a bad port "99999" \(1 to 65535\)/],
      ['mysql://u@db1:x/factors', /DATABASE_URL its host has a bad port "x"/],
      ['mysql://u@db1,db2', /DATABASE_URL must name a database/],
    ] as const) {
      assert.throws(() => loadConfig({ DATABASE_URL: raw }), message, raw);
    }
  });

  it('reads CORS_ORIGINS: a comma-separated list of origins, or *', () => {
    assert.deepEqual(loadConfig({ CORS_ORIGINS: ' https://console.example.com , http://localhost:4200,' }).corsOrigins, [
      'https://console.example.com',
      'http://localhost:4200',
    ]);
    assert.deepEqual(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins, ['*']);
    assert.deepEqual(loadConfig({ CORS_ORIGINS: '' }).corsOrigins, []);
  });

  it('reads the bus: a default URL per transport, requests served on queue zitadel.api unless configured', () => {
    assert.deepEqual(loadConfig({ BUS_TRANSPORT: 'nats' }).bus, {
      transport: 'nats',
      url: 'nats://127.0.0.1:4222',
      serveRequests: true,
      requestQueue: 'zitadel.api',
    });
    assert.equal((loadConfig({ BUS_TRANSPORT: 'rmq' }).bus as { url: string }).url, 'amqp://guest:guest@127.0.0.1:5672');
    assert.equal((loadConfig({ BUS_TRANSPORT: 'redis' }).bus as { url: string }).url, 'redis://127.0.0.1:6379');
    assert.equal((loadConfig({ BUS_TRANSPORT: 'mqtt' }).bus as { url: string }).url, 'mqtt://127.0.0.1:1883');
    assert.deepEqual(loadConfig({ BUS_TRANSPORT: 'rmq', BUS_URL: 'amqps://u:p@mq:5671/vh', BUS_REQUESTS: 'false', BUS_REQUEST_QUEUE: 'factors-api' }).bus, {
      transport: 'rmq',
      url: 'amqps://u:p@mq:5671/vh',
      serveRequests: false,
      requestQueue: 'factors-api',
    });
  });

  for (const [env, message] of [
    [{ HTTP_PORT: '70000' }, /HTTP_PORT must be an integer from 1 to 65535, got "70000"/],
    [{ INSTANCE_ID: 'abc' }, /INSTANCE_ID must be a numeric string/],
    [{ DATABASE_URL: 'mysql://host' }, /DATABASE_URL must name a database/],
    [{ AUTH_ISSUER: 'not a url' }, /AUTH_ISSUER must be a URL/],
    [{ AUTH_JWKS_URI: 'https://x/keys' }, /AUTH_JWKS_URI needs AUTH_ISSUER/],
    [{ MIGRATIONS_RUN: 'maybe' }, /MIGRATIONS_RUN must be true or false/],
    [{ MIGRATIONS_LOCK_WAIT_SECONDS: '0' }, /MIGRATIONS_LOCK_WAIT_SECONDS must be an integer from 1 to 86400, got "0"/],
    [{ AUTH_ROLE_PERMISSIONS: '{"X": ["fly"]}' }, /AUTH_ROLE_PERMISSIONS role X: every entry must be one of/],
    [{ AUTH_ROLE_PERMISSIONS: '[1]' }, /AUTH_ROLE_PERMISSIONS must be a JSON object/],
    [{ BUS_TRANSPORT: 'kafka' }, /BUS_TRANSPORT=kafka is not available in this version; use nats, rmq, redis or mqtt/],
    [{ BUS_TRANSPORT: 'nats', BUS_URL: 'amqp://h:5672' }, /BUS_URL must be a URL \(nats: or tls:\), got "amqp:\/\/h:5672"/],
    [{ BUS_TRANSPORT: 'rmq', BUS_URL: 'not a url' }, /BUS_URL must be a URL \(amqp: or amqps:\)/],
    [{ BUS_URL: 'nats://h:4222' }, /BUS_URL needs BUS_TRANSPORT to name a transport/],
    [{ BUS_TRANSPORT: 'mqtt', BUS_REQUEST_QUEUE: 'a/b' }, /BUS_REQUEST_QUEUE must be 1 to 200 letters, digits/],
    [{ BUS_TRANSPORT: 'redis', BUS_REQUESTS: 'sometimes' }, /BUS_REQUESTS must be true or false/],
    [{ CORS_ORIGINS: 'https://console.example.com/' }, /CORS_ORIGINS must be a comma-separated list of origins .* got "https:\/\/console.example.com\/"/],
    [{ CORS_ORIGINS: 'https://ok.example.com, console.example.com' }, /CORS_ORIGINS .* got "console.example.com"/],
    [{ CORS_ORIGINS: 'https://console.example.com/app' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'ftp://files.example.com' }, /CORS_ORIGINS/],
    [{ RATE_LIMIT_PER_SECOND: 'many' }, /RATE_LIMIT_PER_SECOND must be an integer from 0 to 10000000, got "many"/],
    [{ RATE_LIMIT_PER_SECOND: '0', RATE_LIMIT_BURST: '10' }, /RATE_LIMIT_BURST needs RATE_LIMIT_PER_SECOND above 0/],
    [{ RATE_LIMIT_BURST: '0' }, /RATE_LIMIT_BURST must be an integer from 1/],
    [{ HTTP_HEADERS_TIMEOUT_SECONDS: '40' }, /HTTP_HEADERS_TIMEOUT_SECONDS \(40\) must not be more than HTTP_REQUEST_TIMEOUT_SECONDS \(30\)/],
    [{ HTTP_REQUEST_TIMEOUT_SECONDS: '0' }, /HTTP_REQUEST_TIMEOUT_SECONDS must be an integer from 1 to 3600/],
    [{ MAX_CONNECTIONS: '0' }, /MAX_CONNECTIONS must be an integer from 1 to 1000000/],
  ] as const) {
    it(`refuses ${JSON.stringify(env)}`, () => {
      assert.throws(() => loadConfig(env), message);
    });
  }
});

describe('role claim', () => {
  const map = parseRolePermissions(undefined);

  it('IAM_ roles apply instance-wide and in every org; org roles only in their orgs', () => {
    const caller = authContextFromClaims(
      { sub: 'u', [ROLES]: { IAM_OWNER_VIEWER: { '1': 'x' }, ORG_OWNER: { '42': 'a.example' }, PROJECT_OWNER: { '43': 'b.example' } } },
      map,
    );
    assert.equal(caller.canOnInstance('iam.policy.read'), true);
    assert.equal(caller.canOnInstance('iam.policy.write'), false);
    assert.equal(caller.canInOrg('policy.read', '7'), true);
    assert.equal(caller.canInOrg('policy.write', '42'), true);
    assert.equal(caller.canInOrg('org.delete', '42'), true);
    assert.equal(caller.canInOrg('policy.write', '43'), false);
    assert.equal(caller.canInOrg('policy.read', '43'), true);
    assert.equal(caller.canInOrg('policy.write', '7'), false);
  });

  it('org roles never grant instance permissions, and malformed claims grant nothing', () => {
    const orgOwner = authContextFromClaims({ sub: 'u', [ROLES]: { ORG_OWNER: { '42': 'a' } } }, map);
    assert.equal(orgOwner.canOnInstance('iam.policy.read'), false);
    const malformed = authContextFromClaims({ sub: 'u', [ROLES]: ['IAM_OWNER'] }, map);
    assert.equal(malformed.canOnInstance('iam.policy.read'), false);
  });
});

describe('the access guard', () => {
  it('refuses a handler that declares neither @Permission nor @Public, without looking at the token', () => {
    class Undeclared {
      handler(): void {}
    }
    const access = {
      admit: () => {
        throw new Error('must not be called');
      },
    } as unknown as AccessPolicy;
    const guard = new AccessGuard(new Reflector(), access);
    const context = { getHandler: () => Undeclared.prototype.handler, getClass: () => Undeclared } as unknown as ExecutionContext;
    assert.throws(() => guard.canActivate(context), (error: unknown) => error instanceof DomainError && error.id === 'AUTH-5mWD2');
  });
});
