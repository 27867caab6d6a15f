import assert from 'node:assert/strict';
import { connect as http2Connect } from 'node:http2';
import { Socket, connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertError } from '../support/assertions.js';
import { LocalBroker, missingBroker } from '../support/brokers.js';
import { BusRequester, BusResult } from '../support/bus-requester.js';
import { GrpcResult, GrpcTestClient } from '../support/grpc-client.js';
import { grpcWebOutcome } from '../support/grpc-web-answer.js';
import { readMetric } from '../support/metrics.js';
import { freePort } from '../support/processes.js';
import { RawAnswer, requestWithHeaders } from '../support/raw-http.js';
import { ApiResponse, TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const LIST = '/admin/v1/policies/login/second_factors/_search';
const ADMIN = 'zitadel.admin.v1.AdminService';
const GRPC_WEB_LIST = `/${ADMIN}/ListLoginPolicySecondFactors`;
/** One gRPC(-web) data frame holding an empty message (ListLoginPolicySecondFactorsRequest has no fields). */
const EMPTY_FRAME = Buffer.from([0, 0, 0, 0, 0]);
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

const PER_SECOND = 1;
const BURST = 5;

/** A data frame holding `message`. */
function frame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** `AddSecondFactorToLoginPolicyRequest{type: <type>}` in binary (field 1, varint). */
const addFactorMessage = (type: number) => Buffer.from([0x08, type]);

/** A RetryInfo detail of at least one second, as every door's refusal carries it. */
function assertRetryInfo(details: unknown[]): void {
  const retry = details.find((detail) => (detail as { '@type': string })['@type'] === RETRY_INFO) as { retryDelay: string } | undefined;
  assert.ok(retry, `no RetryInfo detail in ${JSON.stringify(details)}`);
  assert.match(retry.retryDelay, /^[1-9]\d*s$/);
}

/** Calls `call` `count` times one after the other; the results in order. */
async function burst<T>(count: number, call: () => Promise<T>): Promise<{ results: T[]; seconds: number }> {
  const started = Date.now();
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await call());
  return { results, seconds: (Date.now() - started) / 1000 };
}

/**
 * A burst of twice the bucket from one caller: the first BURST pass, then (apart from what the
 * bucket refilled while the burst ran) every call is refused.
 */
function assertBurstLimited<T>(outcome: { results: T[]; seconds: number }, passed: (result: T) => boolean): void {
  const passes = outcome.results.filter(passed).length;
  assert.ok(outcome.results.slice(0, BURST).every(passed), 'the first calls of a burst pass');
  assert.ok(passes <= BURST + Math.ceil(outcome.seconds * PER_SECOND), `${passes} of ${outcome.results.length} passed in ${outcome.seconds} s`);
  assert.ok(passes < outcome.results.length, 'some calls of the burst were refused');
}

function grpcWebCall(app: TestApp, path: string, token: string | undefined, body: Buffer, extra: [string, string][] = []): Promise<RawAnswer> {
  const headers: [string, string][] = [['content-type', 'application/grpc-web+proto'], ...extra];
  if (token !== undefined) headers.push(['authorization', `Bearer ${token}`]);
  return requestWithHeaders(app.url, 'POST', path, headers, body);
}

function grpcWebCode(answer: RawAnswer): number {
  const outcome = grpcWebOutcome(String(answer.headers['content-type']), answer.bytes);
  assert.equal(typeof outcome, 'object', String(outcome));
  return (outcome as { code: number }).code;
}

describe('the per-caller rate limit, on every door', () => {
  let app: TestApp;
  let grpc: GrpcTestClient;
  const tokens: Record<string, string> = {};

  before(async () => {
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()), RATE_LIMIT_PER_SECOND: String(PER_SECOND), RATE_LIMIT_BURST: String(BURST) } });
    grpc = new GrpcTestClient(app.grpcAddress, 'admin');
    for (const sub of ['noisy-rest', 'noisy-grpc-web', 'noisy-grpc', 'quiet', 'known']) tokens[sub] = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub });
  });
  after(async () => {
    grpc.close();
    await app.close();
  });

  const rest = (token?: string) => app.request('POST', LIST, { token, body: {} });

  it('REST: a burst from one caller gets 429 / code 8 with Retry-After and a RetryInfo detail; another caller keeps getting 200', async () => {
    const outcome = await burst(2 * BURST, () => rest(tokens['noisy-rest']));
    assertBurstLimited(outcome, (response) => response.status === 200);
    const refused = outcome.results.find((response) => response.status !== 200) as ApiResponse;
    assertError(refused, 429, 8);
    assert.match(refused.body.message, /^too many requests from this caller: the limit is 1 per second, in bursts of up to 5; retry in \d+ s$/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${refused.headers.get('retry-after')}`);
    assertRetryInfo(refused.body.details);
    assert.equal((await rest(tokens.quiet)).status, 200, 'another caller is not limited');
    assert.equal((await rest(tokens['noisy-rest'])).status, 429, 'the noisy caller still is');
    // once the wait it was told has passed, it may call again
    await sleep(retryAfter * 1000 + 100);
    assert.equal((await rest(tokens['noisy-rest'])).status, 200);
    assert.ok((await readMetric(app.url, 'rate_limited_requests_total{keyed_by="caller"}')) >= 2);
  });

  it('gRPC-web: a burst from one caller gets code 8 with Retry-After; another caller keeps getting code 0', async () => {
    const outcome = await burst(2 * BURST, () => grpcWebCall(app, GRPC_WEB_LIST, tokens['noisy-grpc-web'], EMPTY_FRAME));
    assertBurstLimited(outcome, (answer) => grpcWebCode(answer) === 0);
    const refused = outcome.results.find((answer) => grpcWebCode(answer) !== 0) as RawAnswer;
    // as every gRPC-web failure: HTTP 200, the status in the trailer (a gRPC-web client reads an HTTP 429 as UNAVAILABLE)
    assert.equal(refused.status, 200);
    const trailer = grpcWebOutcome(String(refused.headers['content-type']), refused.bytes) as { code: number; message: string; statusDetails?: { details: unknown[] } };
    assert.equal(trailer.code, 8);
    assert.match(trailer.message, /^too many requests from this caller/);
    assert.ok(Number(refused.headers['retry-after']) >= 1, `Retry-After ${refused.headers['retry-after']}`);
    assertRetryInfo(trailer.statusDetails?.details ?? []);
    assert.equal(grpcWebCode(await grpcWebCall(app, GRPC_WEB_LIST, tokens.quiet, EMPTY_FRAME)), 0);
  });

  it('gRPC: a burst from one caller gets RESOURCE_EXHAUSTED with a retry-after trailer; another caller keeps getting OK', async () => {
    const outcome = await burst(2 * BURST, () => grpc.call('ListLoginPolicySecondFactors', {}, { token: tokens['noisy-grpc'] }));
    assertBurstLimited(outcome, (result) => result.ok);
    const refused = outcome.results.find((result) => !result.ok) as Extract<GrpcResult, { ok: false }>;
    assert.equal(refused.error.code, 8);
    assert.match(refused.error.message, /^too many requests from this caller/);
    assertRetryInfo(refused.error.details);
    assert.equal((await grpc.call('ListLoginPolicySecondFactors', {}, { token: tokens.quiet })).ok, true);
  });

  it('without a valid token, requests count against the client address: 401 until its budget is used, then 429; a caller verified before is not held up', async () => {
    // verified once, before the address runs out
    assert.equal((await rest(tokens.known)).status, 200);
    const outcome = await burst(2 * BURST, () => rest('not-a-token'));
    assert.ok(outcome.results.slice(0, BURST).every((response) => response.status === 401), 'refused as unauthenticated first');
    const limited = outcome.results.filter((response) => response.status === 429);
    assert.ok(limited.length >= 1, 'then as over the limit');
    assertError(limited[0], 429, 8);
    assert.match(limited[0].body.message, /^too many requests from this address without a valid token/);
    assert.ok(Number(limited[0].headers.get('retry-after')) >= 1);
    // no request without a token either
    assert.equal((await rest()).status, 429);
    // a token this process has not verified yet is not verified for this address now (no crypto for a flood) ...
    const fresh = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'fresh' });
    assert.equal((await rest(fresh)).status, 429);
    // ... while one it verified before still passes
    assert.equal((await rest(tokens.known)).status, 200);
  });
});

describe('the per-caller rate limit on the bus', { skip: missingBroker('nats-server') }, () => {
  let broker: LocalBroker;
  let app: TestApp;
  let bus: BusRequester;

  before(async () => {
    broker = await LocalBroker.nats();
    app = await TestApp.start({ env: { BUS_TRANSPORT: 'nats', BUS_URL: broker.url, RATE_LIMIT_PER_SECOND: String(PER_SECOND), RATE_LIMIT_BURST: String(BURST) } });
    bus = BusRequester.nats(broker.url);
  });
  after(async () => {
    await bus.close();
    await app.close();
    await broker.remove();
  });

  it('a burst from one caller gets code 8 with a RetryInfo detail; another caller keeps getting answers', async () => {
    const noisy = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'noisy-bus' });
    const quiet = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'quiet-bus' });
    const list = (token: string) => bus.call(`${ADMIN}.ListLoginPolicySecondFactors`, {}, { token });
    const outcome = await burst(2 * BURST, () => list(noisy));
    assertBurstLimited(outcome, (result: BusResult) => result.ok);
    const refused = outcome.results.find((result) => !result.ok) as Extract<BusResult, { ok: false }>;
    assert.deepEqual(Object.keys(refused.error).sort(), ['code', 'details', 'message']);
    assert.equal(refused.error.code, 8);
    assert.match(refused.error.message, /^too many requests from this caller: .*; retry in \d+ s$/);
    assertRetryInfo(refused.error.details);
    assert.equal((await list(quiet)).ok, true);
  });
});

/** Opens a connection to `url`'s port and writes `first`, then `drip` every 200 ms; resolves with what came back and when the server closed it. */
function trickle(url: string, first: string, drip: string): Promise<{ answer: string; seconds: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = netConnect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    const timer = setInterval(() => socket.writable && socket.write(drip), 200);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, seconds: (Date.now() - started) / 1000 });
    });
    socket.write(first);
  });
}

/** The status line and the JSON body of an answer read off a socket. */
function parsedAnswers(raw: string): { status: number; body: any }[] {
  return raw
    .split(/(?=HTTP\/1\.1 )/)
    .filter(Boolean)
    .map((answer) => ({ status: Number(answer.split(' ')[1]), body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) }));
}

describe('slow clients, connection cap, gRPC deadlines and message size', () => {
  let app: TestApp;
  let owner: string;
  const MAX_CONNECTIONS = 4;

  before(async () => {
    app = await TestApp.start({
      env: { GRPC_PORT: String(await freePort()), HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '2', MAX_CONNECTIONS: String(MAX_CONNECTIONS) },
    });
    owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(() => app.close());

  it('a client trickling its headers is answered 408 / code 4 in the error shape and cut within the headers timeout (1 s here)', async (t) => {
    const { answer, seconds } = await trickle(app.url, `POST ${LIST} HTTP/1.1\r\nHost: x\r\n`, 'X-Slow: 1\r\n');
    const answers = parsedAnswers(answer);
    assert.equal(answers.length, 1, answer);
    assert.equal(answers[0].status, 408);
    assert.deepEqual(answers[0].body, { code: 4, message: 'the request did not arrive in time', details: [] });
    // node checks every second (connectionsCheckingInterval)
    assert.ok(seconds >= 0.9 && seconds < 3, `cut after ${seconds} s`);
    t.diagnostic(`header trickle cut after ${seconds} s`);
  });

  it('a client trickling its body is answered 408 and cut within the request timeout (2 s here)', async (t) => {
    const head = `POST ${LIST} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${owner}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const { answer, seconds } = await trickle(app.url, head, ' ');
    const answers = parsedAnswers(answer);
    assert.equal(answers.length, 1, answer);
    assert.equal(answers[0].status, 408);
    assert.equal(answers[0].body.code, 4);
    assert.ok(seconds >= 1.9 && seconds < 4, `cut after ${seconds} s`);
    t.diagnostic(`body trickle cut after ${seconds} s`);
  });

  it('a request refused on its headers while its body still trickles is answered once, and its connection closed at once', async () => {
    const head = `POST ${LIST} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    const { answer, seconds } = await trickle(app.url, head, ' ');
    const answers = parsedAnswers(answer);
    assert.deepEqual(
      answers.map((one) => one.status),
      [401],
      answer,
    );
    assert.ok(seconds < 1, `closed after ${seconds} s`);
  });

  it(`at most MAX_CONNECTIONS (${MAX_CONNECTIONS} here) connections are open on the HTTP port; more are closed as they come, and counted`, async () => {
    const open: Socket[] = [];
    try {
      for (let i = 0; i < MAX_CONNECTIONS; i++) {
        const socket = netConnect(Number(new URL(app.url).port), '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        open.push(socket);
      }
      await sleep(100);
      const refused = await requestWithHeaders(app.url, 'GET', '/debug/ready', []).then(
        () => 'answered',
        (error: NodeJS.ErrnoException) => error.code,
      );
      assert.match(String(refused), /^(ECONNRESET|EPIPE|ECONNREFUSED)$/);
      assert.ok(open.every((socket) => !socket.destroyed), 'the open ones stay open');
    } finally {
      for (const socket of open) socket.destroy();
    }
    await sleep(100);
    assert.ok((await readMetric(app.url, 'connections_dropped_total')) >= 1);
    assert.equal((await app.request('POST', LIST, { token: owner, body: {} })).status, 200, 'once connections close, new ones are served');
  });

  it('a gRPC call that arrives past its deadline ends DEADLINE_EXCEEDED and its write is not done', async () => {
    const session = http2Connect(`http://${app.grpcAddress}`);
    try {
      const call = (type: number, timeout?: string) =>
        new Promise<{ status: string | undefined; message: string | undefined }>((resolve, reject) => {
          const headers: Record<string, string> = {
            ':method': 'POST',
            ':path': `/${ADMIN}/AddSecondFactorToLoginPolicy`,
            'content-type': 'application/grpc',
            te: 'trailers',
            authorization: `Bearer ${owner}`,
          };
          if (timeout) headers['grpc-timeout'] = timeout;
          const stream = session.request(headers);
          let status: string | undefined;
          let message: string | undefined;
          const read = (block: Record<string, unknown>) => {
            if (block['grpc-status'] !== undefined) {
              status = String(block['grpc-status']);
              message = block['grpc-message'] === undefined ? undefined : decodeURIComponent(String(block['grpc-message']));
            }
          };
          stream.on('response', read);
          stream.on('trailers', read);
          stream.on('data', () => {});
          stream.on('end', () => resolve({ status, message }));
          stream.on('error', reject);
          stream.end(frame(addFactorMessage(type)));
        });
      // SECOND_FACTOR_TYPE_OTP_EMAIL (3) is not in the default list
      const late = await call(3, '1n');
      assert.equal(late.status, '4', JSON.stringify(late));
      await sleep(200);
      const listed = await app.request('POST', LIST, { token: owner, body: {} });
      assert.ok(!listed.body.result.includes('SECOND_FACTOR_TYPE_OTP_EMAIL'), `the late write was done: ${JSON.stringify(listed.body.result)}`);
      // the same call with time to spare is done
      assert.equal((await call(3, '10S')).status, '0');
      assert.ok((await app.request('POST', LIST, { token: owner, body: {} })).body.result.includes('SECOND_FACTOR_TYPE_OTP_EMAIL'));
    } finally {
      session.close();
    }
  });

  it('a gRPC-web call past its grpc-timeout ends DEADLINE_EXCEEDED without its write; a malformed grpc-timeout is INVALID_ARGUMENT', async () => {
    // SECOND_FACTOR_TYPE_OTP_SMS (4) is not in the default list
    const late = await grpcWebCall(app, `/${ADMIN}/AddSecondFactorToLoginPolicy`, owner, frame(addFactorMessage(4)), [['grpc-timeout', '1n']]);
    assert.equal(grpcWebCode(late), 4);
    await sleep(200);
    const listed = await app.request('POST', LIST, { token: owner, body: {} });
    assert.ok(!listed.body.result.includes('SECOND_FACTOR_TYPE_OTP_SMS'), `the late write was done: ${JSON.stringify(listed.body.result)}`);
    assert.equal(grpcWebCode(await grpcWebCall(app, GRPC_WEB_LIST, owner, EMPTY_FRAME, [['grpc-timeout', 'soon']])), 3);
    assert.equal(grpcWebCode(await grpcWebCall(app, GRPC_WEB_LIST, owner, EMPTY_FRAME, [['grpc-timeout', '5S']])), 0);
  });

  it('a gRPC request message larger than the REST body limit (1 MiB) is refused with RESOURCE_EXHAUSTED before it is decoded', async () => {
    const management = new GrpcTestClient(app.grpcAddress, 'management');
    try {
      const result = await management.call('AddOrg', { name: 'x'.repeat(1024 * 1024 + 1) }, { token: owner });
      assert.equal(result.ok, false);
      assert.equal((result as Extract<GrpcResult, { ok: false }>).error.code, 8, JSON.stringify(result).slice(0, 300));
      // just under the limit, it reaches the service (which refuses a name that long, with a field violation)
      const under = await management.call('AddOrg', { name: 'x'.repeat(1024 * 1024 - 16) }, { token: owner });
      assert.equal((under as Extract<GrpcResult, { ok: false }>).error.code, 3);
    } finally {
      management.close();
    }
  });
});
