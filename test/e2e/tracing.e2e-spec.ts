import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { IncomingMessage, Server, createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Metadata } from '@grpc/grpc-js';
import { GrpcTestClient } from '../support/grpc-client.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

/** A span as OTLP/JSON carries it (ids in hex). */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

const SERVER = 2;
const CLIENT = 3;

/** An OTLP/HTTP receiver in the test's process: keeps every span posted to /v1/traces. */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();
  private server?: Server;

  async start(port: number): Promise<void> {
    this.server = createServer((request, response) => {
      void readAll(request).then((body) => {
        this.contentTypes.add(String(request.headers['content-type']));
        if (request.url === '/v1/traces') {
          const payload = JSON.parse(body.toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: ReceivedSpan[] }[] }[] };
          for (const resource of payload.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) this.spans.push(...(scope.spans ?? []));
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  /** The spans of `traceId`, once `count` have arrived (at most 10 s). */
  async trace(traceId: string, count: number): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const spans = this.spans.filter((span) => span.traceId === traceId);
      if (spans.length >= count || Date.now() > deadline) return spans;
      await sleep(50);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const attribute = (span: ReceivedSpan, key: string) => {
  const value = span.attributes.find((one) => one.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

/** A W3C traceparent of a caller's own span. */
function callerContext(): { traceId: string; parentId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
}

/** The call's server span is the caller's child, and its database work the server span's children. */
function assertCallTrace(spans: ReceivedSpan[], caller: { parentId: string }, operation: string, door: string): void {
  const server = spans.find((span) => span.kind === SERVER);
  assert.ok(server, `no server span among ${JSON.stringify(spans.map((span) => span.name))}`);
  assert.equal(server.name, operation);
  assert.equal(server.parentSpanId, caller.parentId);
  assert.equal(attribute(server, 'api.door'), door);
  assert.equal(attribute(server, 'rpc.grpc.status_code'), 0);
  const database = spans.filter((span) => span.kind === CLIENT && span.name.startsWith('db.'));
  assert.ok(database.length >= 1, `no database span among ${JSON.stringify(spans.map((span) => span.name))}`);
  for (const span of database) assert.equal(span.parentSpanId, server.spanId, `${span.name} is a child of the call`);
  assert.ok(database.some((span) => attribute(span, 'db.system') === 'sqlite' && String(attribute(span, 'db.query.text')).startsWith('SELECT')));
}

describe('tracing: OpenTelemetry spans over OTLP/HTTP when an endpoint is configured', () => {
  const receiver = new OtlpReceiver();
  let app: TestApp;
  let owner: string;

  before(async () => {
    const port = await freePort();
    await receiver.start(port);
    app = await TestApp.start({
      env: { GRPC_PORT: String(await freePort()), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '50' },
    });
    owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(async () => {
    await app.close();
    await receiver.close();
  });

  it('a REST call (direct lane) reaches the receiver as a server span, child of the caller\'s traceparent, with its database span', async () => {
    const caller = callerContext();
    const response = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token: owner, body: {}, headers: { traceparent: caller.traceparent } });
    assert.equal(response.status, 200);
    assertCallTrace(await receiver.trace(caller.traceId, 2), caller, 'AdminService/ListLoginPolicySecondFactors', 'rest');
  });

  it('a REST call Fastify answers is traced the same way', async () => {
    const caller = callerContext();
    const response = await app.request('POST', '/admin/v1/orgs/_search', { token: owner, body: {}, headers: { traceparent: caller.traceparent } });
    assert.equal(response.status, 200);
    assertCallTrace(await receiver.trace(caller.traceId, 2), caller, 'AdminService/ListOrgs', 'rest');
  });

  it('a gRPC call reaches the receiver as a server span with its database span', async () => {
    const caller = callerContext();
    const grpc = new GrpcTestClient(app.grpcAddress, 'admin');
    try {
      const metadata = new Metadata();
      metadata.set('traceparent', caller.traceparent);
      const result = await grpc.call('ListLoginPolicySecondFactors', {}, { token: owner, metadata });
      assert.equal(result.ok, true);
    } finally {
      grpc.close();
    }
    assertCallTrace(await receiver.trace(caller.traceId, 2), caller, 'AdminService/ListLoginPolicySecondFactors', 'grpc');
  });

  it('a refused call is a span with its code; spans go out as OTLP JSON', async () => {
    const caller = callerContext();
    assert.equal((await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { body: {}, headers: { traceparent: caller.traceparent } })).status, 401);
    const [server] = await receiver.trace(caller.traceId, 1);
    assert.equal(attribute(server, 'rpc.grpc.status_code'), 16);
    assert.ok([...receiver.contentTypes].every((type) => type.startsWith('application/json')), [...receiver.contentTypes].join());
  });
});
