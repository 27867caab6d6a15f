import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeStatusDetails } from '../../src/common/grpc/status-details.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What the page reports back about each of its calls. */
interface CallReport {
  error?: string;
  status?: number;
  contentType?: string | null;
  requestId?: string | null;
  frames?: { flags: number; hex: string; text: string }[];
}

/**
 * A page that calls the service with gRPC-web from the browser (plain fetch, hand-built frames:
 * what every gRPC-web library does underneath) and posts what it saw back to its own origin.
 */
function page(apiUrl: string, token: string, type: number): string {
  return `<!doctype html><meta charset="utf-8"><title>gRPC-web from a browser</title><script>
const call = async () => {
  try {
    const response = await fetch(${JSON.stringify(`${apiUrl}/zitadel.admin.v1.AdminService/AddSecondFactorToLoginPolicy`)}, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', 'x-user-agent': 'grpc-web-javascript/0.1', authorization: 'Bearer ${token}' },
      body: new Uint8Array([0, 0, 0, 0, 2, 0x08, ${type}]),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const frames = [];
    for (let offset = 0; offset < bytes.length; ) {
      const length = new DataView(bytes.buffer).getUint32(offset + 1);
      const payload = bytes.subarray(offset + 5, offset + 5 + length);
      frames.push({ flags: bytes[offset], hex: [...payload].map((b) => b.toString(16).padStart(2, '0')).join(''), text: new TextDecoder().decode(payload) });
      offset += 5 + length;
    }
    return { status: response.status, contentType: response.headers.get('content-type'), requestId: response.headers.get('x-request-id'), frames };
  } catch (error) {
    return { error: String(error) };
  }
};
(async () => {
  const first = await call();
  const second = await call();
  await fetch('/report', { method: 'POST', body: JSON.stringify([first, second]) });
})();
</script>`;
}

/**
 * A page with Google's gRPC-web client (the `grpc-web` package, as ES module): in text and in
 * binary mode it adds a factor, lists the factors and adds the same factor again. Requests are
 * serialised by hand; responses come back as hex for the test to decode with ZITADEL's definitions.
 */
function googleClientPage(apiUrl: string, token: string): string {
  return `<!doctype html><meta charset="utf-8"><title>grpc-web client</title><script type="module">
import { GrpcWebClientBase, MethodDescriptor, MethodType } from '/grpc-web.js';
const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const call = async (client, name, bytes) => {
  const path = '/zitadel.admin.v1.AdminService/' + name;
  const descriptor = new MethodDescriptor(path, MethodType.UNARY, Object, Object, (request) => Uint8Array.from(request.bytes), (response) => ({ hex: hex(response) }));
  try {
    return await client.unaryCall(${JSON.stringify(apiUrl)} + path, { bytes }, { authorization: 'Bearer ${token}' }, descriptor);
  } catch (error) {
    return { code: error.code, message: error.message, details: (error.metadata || {})['grpc-status-details-bin'] || null };
  }
};
const results = {};
for (const [format, type] of [['text', 3], ['binary', 4]]) {
  const client = new GrpcWebClientBase({ format });
  const added = await call(client, 'AddSecondFactorToLoginPolicy', [8, type]);
  const listed = await call(client, 'ListLoginPolicySecondFactors', []);
  const duplicate = await call(client, 'AddSecondFactorToLoginPolicy', [8, type]);
  results[format] = { added, listed, duplicate };
}
await fetch('/report', { method: 'POST', body: JSON.stringify(results) });
</script>`;
}

/** What the Google client page reports for each call: the response bytes, or the error. */
interface ClientCall {
  hex?: string;
  code?: number;
  message?: string;
  details?: string | null;
}

const GRPC_WEB_MODULE = join(dirname(require.resolve('grpc-web')), 'index.esm.js');

/**
 * Serves `html` on its own origin (127.0.0.1:`port`), plus grpc-web's ES module at /grpc-web.js,
 * and resolves with what the page reports.
 */
async function pageServer<T = CallReport[]>(html: string, port: number): Promise<{ server: Server; origin: string; report: Promise<T> }> {
  const grpcWebModule = await readFile(GRPC_WEB_MODULE);
  let deliver: (report: T) => void = () => {};
  const report = new Promise<T>((resolve) => (deliver = resolve));
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/report') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.end();
        deliver(JSON.parse(body) as T);
      });
      return;
    }
    if (request.url === '/grpc-web.js') {
      response.setHeader('content-type', 'text/javascript');
      response.end(grpcWebModule);
      return;
    }
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${port}`, report };
}

/** Opens `url` in headless Chromium until the page has reported (30 s at most). */
async function inBrowser<T>(url: string, report: Promise<T>): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'lpf-chromium-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  // its own process group, so that the renderer and helper processes end with it
  const browser: ChildProcess = spawn(CHROMIUM, [...flags, `--user-data-dir=${profile}`, url], { stdio: 'ignore', detached: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the page at ${url} did not report within 30 s`)), 30_000)));
    return await Promise.race([report, timeout]);
  } finally {
    clearTimeout(timer);
    const exited = new Promise((resolve) => (browser.exitCode !== null || browser.signalCode !== null ? resolve(null) : browser.once('exit', resolve)));
    if (browser.pid !== undefined) process.kill(-browser.pid, 'SIGKILL');
    await exited;
    // a helper process may still be flushing into the profile for a moment
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

const chromiumMissing = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

describe('gRPC-web from a real browser on another origin (headless Chromium)', { skip: chromiumMissing }, () => {
  let app: TestApp;
  let token: string;
  const servers: Server[] = [];
  let allowedPagePort: number;
  let googleClientPagePort: number;

  before(async () => {
    allowedPagePort = await freePort();
    googleClientPagePort = await freePort();
    app = await TestApp.start({ env: { CORS_ORIGINS: `http://127.0.0.1:${allowedPagePort},http://127.0.0.1:${googleClientPagePort}` } });
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
  });
  after(async () => {
    servers.forEach((server) => server.close());
    await app.close();
  });

  it('an allowed origin adds a factor (data frame, OK trailers), then reads the duplicate as code 6 with its details', async () => {
    const { server, origin, report } = await pageServer(page(app.url, token, 3), allowedPagePort);
    servers.push(server);

    const [added, duplicate] = await inBrowser(`${origin}/`, report);
    assert.equal(added.error, undefined, added.error);
    assert.equal(added.status, 200);
    assert.equal(added.contentType, 'application/grpc-web+proto');
    assert.match(added.requestId ?? '', /^[0-9a-f-]{36}$/, 'x-request-id is exposed to the page');
    assert.deepEqual(added.frames?.map((f) => f.flags), [0x00, 0x80]);
    assert.match(added.frames?.[0].hex ?? '', /^0a/, 'AddSecondFactorToLoginPolicyResponse.details');
    assert.equal(added.frames?.[1].text, 'grpc-status:0\r\ngrpc-message:\r\n');

    assert.equal(duplicate.status, 200);
    assert.deepEqual(duplicate.frames?.map((f) => f.flags), [0x80]);
    assert.match(duplicate.frames?.[0].text ?? '', /^grpc-status:6\r\ngrpc-message:Multifactor already exists \(INSTANCE-2B0ps\)\r\ngrpc-status-details-bin:[A-Za-z0-9+/]+\r\n$/);

    const list = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token });
    assert.ok(list.body.result.includes('SECOND_FACTOR_TYPE_OTP_EMAIL'));
  });

  it('another origin is refused by the browser, and its call never reaches the service', async () => {
    const { server, origin, report } = await pageServer(page(app.url, token, 4), await freePort());
    servers.push(server);
    const [first, second] = await inBrowser(`${origin}/`, report);
    assert.match(first.error ?? '', /TypeError: Failed to fetch/);
    assert.match(second.error ?? '', /TypeError: Failed to fetch/);
    const list = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token });
    assert.ok(!list.body.result.includes('SECOND_FACTOR_TYPE_OTP_SMS'), 'the preflight failed, so the add was never sent');
  });

  it("Google's grpc-web client, in text and in binary mode, adds and lists factors and reads a duplicate as code 6 with its details", async () => {
    // start from the two default factors (the first test added OTP_EMAIL)
    assert.equal((await app.request('DELETE', '/admin/v1/policies/login/second_factors/3', { token })).status, 200);
    type Calls = { added: ClientCall; listed: ClientCall; duplicate: ClientCall };
    const { server, origin, report } = await pageServer<Record<'text' | 'binary', Calls>>(googleClientPage(app.url, token), googleClientPagePort);
    servers.push(server);
    const results = await inBrowser(`${origin}/`, report);

    const [{ fromBinary }, admin] = await Promise.all([import('@bufbuild/protobuf'), import('@zitadel/proto/zitadel/admin_pb.js')]);
    const expectedLists = { text: [1, 2, 3], binary: [1, 2, 3, 4] };
    for (const [format, type] of [['text', 3], ['binary', 4]] as const) {
      const { added, listed, duplicate } = results[format];
      assert.ok(added.hex !== undefined, `${format}: ${JSON.stringify(added)}`);
      const addedResponse = fromBinary(admin.AddSecondFactorToLoginPolicyResponseSchema, Buffer.from(added.hex, 'hex'));
      assert.ok((addedResponse.details?.sequence ?? 0n) > 0n, format);
      assert.ok(listed.hex !== undefined, `${format}: ${JSON.stringify(listed)}`);
      const list = fromBinary(admin.ListLoginPolicySecondFactorsResponseSchema, Buffer.from(listed.hex, 'hex'));
      assert.deepEqual(list.result, expectedLists[format], format);
      assert.equal(list.details?.processedSequence, addedResponse.details?.sequence, format);

      assert.equal(duplicate.code, 6, `${format}: ${JSON.stringify(duplicate)}`);
      assert.equal(duplicate.message, 'Multifactor already exists (INSTANCE-2B0ps)');
      const status = decodeStatusDetails(Buffer.from(duplicate.details ?? '', 'base64'));
      assert.deepEqual(status.details, [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: 'INSTANCE-2B0ps', message: 'Multifactor already exists' }]);
      assert.ok(type > 0);
    }
  });
});
