import assert from 'node:assert/strict';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { after, before, describe, it } from 'node:test';
import { LocalBroker, missingBroker } from '../support/brokers.js';
import { BusRequester } from '../support/bus-requester.js';
import { GrpcTestClient } from '../support/grpc-client.js';
import { grpcWebOutcome } from '../support/grpc-web-answer.js';
import { freePort } from '../support/processes.js';
import { requestWithHeaders } from '../support/raw-http.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const LIST = 'AdminService/ListLoginPolicySecondFactors';
const GET_ORG = 'AdminService/GetOrgByID';

/** Every sample of `name` in the Prometheus text, with its labels. */
async function samples(app: TestApp, name: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  const text = await (await fetch(`${app.url}/debug/metrics`)).text();
  const found: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** The calls counted for `operation` on `door`, by code name. */
async function callsByCode(app: TestApp, operation: string, door: string): Promise<Record<string, number>> {
  const counted = await samples(app, 'api_requests_total');
  return Object.fromEntries(counted.filter(({ labels }) => labels.operation === operation && labels.door === door).map(({ labels, value }) => [labels.code, value]));
}

async function durationCount(app: TestApp, operation: string, door: string): Promise<number | undefined> {
  const counts = await samples(app, 'api_request_duration_seconds_count');
  return counts.find(({ labels }) => labels.operation === operation && labels.door === door)?.value;
}

describe('per-call metrics: api_requests_total by operation, door and code, and a duration histogram', { skip: missingBroker('nats-server') }, () => {
  let broker: LocalBroker;
  let app: TestApp;
  let grpc: GrpcTestClient;
  let bus: BusRequester;
  let owner: string;

  before(async () => {
    broker = await LocalBroker.nats();
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()), BUS_TRANSPORT: 'nats', BUS_URL: broker.url } });
    grpc = new GrpcTestClient(app.grpcAddress, 'admin');
    bus = BusRequester.nats(broker.url);
    owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(async () => {
    grpc.close();
    await bus.close();
    await app.close();
    await broker.remove();
  });

  it('REST: calls on the direct lane and through Fastify count under their operation, with the code each answered', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token: owner, body: {} })).status, 200);
    // a query string takes the call through Fastify instead of the lane: the same series
    assert.equal((await app.request('POST', '/admin/v1/policies/login/second_factors/_search?from=fastify', { token: owner, body: {} })).status, 200);
    assert.equal((await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { body: {} })).status, 401);
    assert.equal((await app.request('GET', '/admin/v1/orgs/123456', { token: owner })).status, 404);
    assert.deepEqual(await callsByCode(app, LIST, 'rest'), { OK: 4, UNAUTHENTICATED: 1 });
    assert.deepEqual(await callsByCode(app, GET_ORG, 'rest'), { NOT_FOUND: 1 });
    assert.equal(await durationCount(app, LIST, 'rest'), 5);
  });

  it('gRPC: calls count with their status code, refusals of the guard included', async () => {
    assert.equal((await grpc.call('ListLoginPolicySecondFactors', {}, { token: owner })).ok, true);
    assert.equal((await grpc.call('ListLoginPolicySecondFactors', {}, {})).ok, false);
    assert.equal((await grpc.call('GetOrgByID', { id: '123456' }, { token: owner })).ok, false);
    assert.deepEqual(await callsByCode(app, LIST, 'grpc'), { OK: 1, UNAUTHENTICATED: 1 });
    assert.deepEqual(await callsByCode(app, GET_ORG, 'grpc'), { NOT_FOUND: 1 });
    assert.equal(await durationCount(app, LIST, 'grpc'), 2);
  });

  it('gRPC-web: calls count with the status in their trailer', async () => {
    const call = async (token?: string) => {
      const headers: [string, string][] = [['content-type', 'application/grpc-web+proto']];
      if (token) headers.push(['authorization', `Bearer ${token}`]);
      const answer = await requestWithHeaders(app.url, 'POST', `/zitadel.admin.v1.${LIST}`, headers, Buffer.from([0, 0, 0, 0, 0]));
      return (grpcWebOutcome(String(answer.headers['content-type']), answer.bytes) as { code: number }).code;
    };
    assert.equal(await call(owner), 0);
    assert.equal(await call(owner), 0);
    assert.equal(await call(), 16);
    assert.deepEqual(await callsByCode(app, LIST, 'grpc-web'), { OK: 2, UNAUTHENTICATED: 1 });
    assert.equal(await durationCount(app, LIST, 'grpc-web'), 3);
  });

  it('bus: requests count with the code of their reply', async () => {
    assert.equal((await bus.call(`zitadel.admin.v1.${LIST.replace('/', '.')}`, {}, { token: owner })).ok, true);
    assert.equal((await bus.call(`zitadel.admin.v1.${LIST.replace('/', '.')}`, {}, {})).ok, false);
    assert.deepEqual(await callsByCode(app, LIST, 'bus'), { OK: 1, UNAUTHENTICATED: 1 });
    assert.equal(await durationCount(app, LIST, 'bus'), 2);
  });

  it('durations fall in the histogram buckets: the smallest bucket is half a millisecond, every call is within +Inf', async () => {
    const buckets = (await samples(app, 'api_request_duration_seconds_bucket')).filter(({ labels }) => labels.operation === LIST && labels.door === 'rest');
    assert.equal(buckets[0].labels.le, '0.0005');
    assert.equal(buckets.find(({ labels }) => labels.le === '+Inf')?.value, 5);
  });
});

describe("process metrics: prom-client's defaults, all but the garbage-collection histogram", () => {
  let app: TestApp;
  before(async () => {
    app = await TestApp.start();
  });
  after(async () => {
    await app.close();
  });

  it('every default metric of the installed prom-client is served except nodejs_gc_duration_seconds, which observes every collection', async () => {
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
    const expected = defaults.getMetricsAsArray().map((metric) => metric.name);
    assert.ok(expected.includes('nodejs_gc_duration_seconds'), 'prom-client no longer has the GC histogram among its defaults: review process-metrics.ts');
    const text = await (await fetch(`${app.url}/debug/metrics`)).text();
    const served = new Set([...text.matchAll(/^# TYPE (\w+) /gm)].map(([, name]) => name));
    assert.deepEqual(
      expected.filter((name) => !served.has(name)),
      ['nodejs_gc_duration_seconds'],
    );
    assert.ok(served.has('process_cpu_user_seconds_total') && served.has('nodejs_heap_size_used_bytes') && served.has('nodejs_eventloop_lag_p99_seconds'));
  });
});
