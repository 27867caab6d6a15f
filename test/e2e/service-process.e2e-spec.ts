import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RFC3339_MS } from '../support/assertions.js';
import { GrpcTestClient } from '../support/grpc-client.js';
import { freePort, outputOf, runScript, startService, stop } from '../support/processes.js';
import { startCommand } from '../support/start-command.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

describe('the service as a process (npm start, npm run token)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lpf-process-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('starts on the embedded database and answers the quick-start call with a minted IAM_OWNER token', async () => {
    const port = await freePort();
    const grpcPort = await freePort();
    const service = await startService({ DATA_DIR: dataDir, GRPC_PORT: String(grpcPort) }, port);
    try {
      const minted = await runScript('dist/src/cli/mint-token.js', ['--role', 'IAM_OWNER'], { DATA_DIR: dataDir });
      assert.equal(minted.code, 0, minted.stderr);
      const token = minted.stdout.trim();
      assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      const response = await fetch(`http://127.0.0.1:${port}/admin/v1/policies/login/second_factors/_search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as any;
      assert.deepEqual(Object.keys(body.details), ['totalResult', 'processedSequence', 'viewTimestamp']);
      assert.equal(body.details.totalResult, '2');
      assert.match(body.details.processedSequence, /^\d+$/);
      assert.match(body.details.viewTimestamp, RFC3339_MS);
      assert.deepEqual(body.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
      const docs = await fetch(`http://127.0.0.1:${port}/docs/openapi.json`);
      assert.equal(docs.status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${port}/docs`)).status, 200);
      const health = new GrpcTestClient(`127.0.0.1:${grpcPort}`, 'health');
      const serving = await health.call('Check', {});
      health.close();
      assert.deepEqual(serving, { ok: true, response: { status: 'SERVING' } });
    } finally {
      assert.equal(await stop(service), 0, 'SIGTERM ends the service cleanly');
    }
  });

  it('npm start runs the bundle, which serves the committed OpenAPI document and names request types in errors as the sources do', async () => {
    // the launcher runs dist/service.js from V8's code cache, which it keeps beside the bundle
    assert.equal(startCommand().script, 'dist/src/start.js');
    const port = await freePort();
    const service = await startService({ DATA_DIR: dataDir }, port);
    const inProcess = await TestApp.start();
    try {
      const token = (await runScript('dist/src/cli/mint-token.js', ['--role', 'IAM_OWNER'], { DATA_DIR: dataDir })).stdout.trim();
      const docs = await (await fetch(`http://127.0.0.1:${port}/docs/openapi.json`)).json();
      assert.deepEqual(docs, JSON.parse(await readFile('docs/openapi.json', 'utf8')));
      // a body that breaks a rule: the message names the request type (a class name, which a bundler could rename)
      const badBody = { type: 'SECOND_FACTOR_TYPE_NONSENSE' };
      const bundled = await fetch(`http://127.0.0.1:${port}/admin/v1/policies/login/second_factors`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(badBody),
      });
      const sources = await inProcess.request('POST', '/admin/v1/policies/login/second_factors', {
        body: badBody,
        token: await developmentToken(inProcess.config, { roles: ['IAM_OWNER'] }),
      });
      assert.equal(bundled.status, 400);
      assert.equal(sources.status, 400);
      assert.match(sources.body.message, /^invalid \w+Request\./);
      assert.deepEqual(await bundled.json(), sources.body);
      const bundle = await stat('dist/service.js');
      const cache = await readFile('dist/service.js.code-cache');
      assert.equal(cache.subarray(0, cache.indexOf(10)).toString('latin1'), `${bundle.size}:${bundle.mtimeMs}`, 'a code cache made for this build');
    } finally {
      await inProcess.close();
      assert.equal(await stop(service), 0);
    }
  });

  it('a start runs from the code cache an earlier start wrote: V8 accepts it under the flags the service runs with', async () => {
    // the launcher tunes V8 for memory only after writing the cache: a V8 flag changed between compiling the bundle
    // and writing its cache would make V8 reject the cache on every start
    for (let run = 0; run < 2; run++) {
      const service = await startService({ DATA_DIR: dataDir }, await freePort());
      assert.equal(await stop(service), 0);
    }
    const written = (await stat('dist/service.js.code-cache')).mtimeMs;
    const service = await startService({ DATA_DIR: dataDir }, await freePort());
    assert.equal(await stop(service), 0);
    assert.equal((await stat('dist/service.js.code-cache')).mtimeMs, written, 'the cache was used, not rejected and written again');
  });

  it('logs a start in a few lines at the default level, naming classes as the sources do; how Nest assembled the app is at debug', async () => {
    /** The JSON log lines of one start and stop of the service at `level`, on a new database (which creates the instance). */
    const startLines = async (level: string): Promise<{ level: number; context?: string; msg: string }[]> => {
      const fresh = await mkdtemp(join(tmpdir(), 'lpf-logs-'));
      try {
        const service = await startService({ DATA_DIR: fresh, LOG_LEVEL: level }, await freePort());
        assert.equal(await stop(service), 0);
        return outputOf(service)
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line));
      } finally {
        await rm(fresh, { recursive: true, force: true });
      }
    };
    const info = await startLines('info');
    const contexts = new Set(info.map((line) => line.context).filter((context) => context !== undefined));
    for (const context of contexts) assert.doesNotMatch(String(context), /^_|_\d+$/, `a bundler's name for a class: ${context}`);
    // both renamings: Nest's class (bundled as _NestApplication) and ours (compiled as InstanceService_1)
    assert.ok(contexts.has('NestApplication') && contexts.has('InstanceService'), [...contexts].join(', '));
    assert.ok(info.some((line) => line.context === 'Main' && /^listening on http:/.test(line.msg)));
    assert.ok(info.length <= 12, `${info.length} lines at info:\n${info.map((line) => `${line.context}: ${line.msg}`).join('\n')}`);
    assert.equal(info.filter((line) => ['InstanceLoader', 'RoutesResolver', 'RouterExplorer'].includes(String(line.context))).length, 0);
    const debug = await startLines('debug');
    assert.ok(
      debug.some((line) => line.level === 20 && line.context === 'RouterExplorer' && line.msg === 'Mapped {/admin/v1/policies/login, GET} route'),
      'the routes at debug',
    );
    assert.ok(debug.some((line) => line.level === 20 && line.context === 'InstanceLoader'), 'the modules at debug');
  });

  it('the token script mints org-scoped tokens with the org claims', async () => {
    const minted = await runScript('dist/src/cli/mint-token.js', ['--role', 'ORG_OWNER:111,222', '--org', '111', '--sub', 'u1', '--expires-in', '1h'], {
      DATA_DIR: dataDir,
    });
    assert.equal(minted.code, 0, minted.stderr);
    const claims = JSON.parse(Buffer.from(minted.stdout.trim().split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, 'u1');
    assert.equal(claims['urn:zitadel:iam:user:resourceowner:id'], '111');
    assert.deepEqual(claims['urn:zitadel:iam:org:project:roles'], { ORG_OWNER: { '111': '111.localhost', '222': '222.localhost' } });
    assert.equal(claims.exp - claims.iat, 3600);
  });

  it('every token command of the README prints the token alone, so each works inside $(…)', async () => {
    const readme = await readFile('README.md', 'utf8');
    const commands = [...readme.matchAll(/npm run(?: -s)? token\b(?: -- ([^)`\n]*))?/g)];
    assert.ok(commands.length >= 3, `the README mints tokens (found ${commands.length} commands)`);
    for (const [command, args = ''] of commands) {
      assert.match(command, /^npm run -s token/, `"${command}": without -s, npm's banner would be captured with the token`);
      const argv = args.replaceAll('$ORG', '111').split(' ').filter((arg) => arg !== '');
      const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'token', '--', ...argv], { env: { ...process.env, DATA_DIR: dataDir } });
      assert.match(stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, `"${command}" prints one line, the token`);
    }
  });

  for (const [label, env, line] of [
    ['a non-numeric HTTP_PORT', { HTTP_PORT: 'abc' }, 'Invalid configuration: HTTP_PORT must be an integer from 1 to 65535, got "abc"'],
    ['an HTTP_HOST with a port', { HTTP_HOST: '0.0.0.0:8080' }, 'Invalid configuration: HTTP_HOST must be an IPv4 address, an IPv6 address or a host name, without a port (like 0.0.0.0, 127.0.0.1, ::, ::1 or localhost), got "0.0.0.0:8080"'],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ['a DATABASE_URL of another kind', { DATABASE_URL: 'postgres://x@h/db' }, 'Invalid configuration: DATABASE_URL must be a URL (mysql:), got "postgres://x@h/db"'],
    ['production without AUTH_ISSUER', { NODE_ENV: 'production' }, 'Invalid configuration: AUTH_ISSUER is required when NODE_ENV=production (the development key is never trusted there)'],
    ['an unknown BUS_TRANSPORT', { BUS_TRANSPORT: 'carrier-pigeon' }, 'Invalid configuration: BUS_TRANSPORT must be one of none, nats, rmq, redis, mqtt, kafka, got "carrier-pigeon"'],
  ] as const) {
    it(`${label} stops start-up with exit code 1 and one line naming the variable`, async () => {
      const result = await runScript('dist/src/main.js', [], { DATA_DIR: dataDir, ...env });
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `${line}\n`);
    });
  }

  for (const variable of ['HTTP_PORT', 'GRPC_PORT'] as const) {
    it(`a busy ${variable} stops start-up with exit code 1 and one line naming the variable, the port and the host, no stack trace`, async () => {
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(0, '0.0.0.0', resolve));
      const busy = String((squatter.address() as AddressInfo).port);
      try {
        const ports = variable === 'HTTP_PORT' ? { HTTP_PORT: busy, GRPC_PORT: '0' } : { HTTP_PORT: String(await freePort()), GRPC_PORT: busy };
        const result = await runScript('dist/src/main.js', [], { DATA_DIR: dataDir, ...ports });
        assert.equal(result.code, 1);
        assert.equal(result.stderr, `Cannot start: ${variable} ${busy} on ${variable === 'HTTP_PORT' ? 'HTTP_HOST' : 'GRPC_HOST'} 0.0.0.0 is already in use by another process (stop it, or set ${variable} to a free port)\n`);
        assert.doesNotMatch(result.stdout, /EADDRINUSE|\n\s+at /);
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
    });
  }
});
