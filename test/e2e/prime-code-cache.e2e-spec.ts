import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/** What a finished node process printed, and how it ended. */
function run(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

const PRIME = resolve('scripts/prime-code-cache.mjs');

/**
 * The build's last step (scripts/prime-code-cache.mjs) in a scratch checkout: the project's bundle,
 * its launcher and package.json, with links to node_modules and proto/. Its own dist/ is written,
 * so the project's code cache is never touched.
 */
describe('the build primes the code cache with one start of the new bundle', () => {
  let dir: string;
  const cacheFile = () => join(dir, 'dist', 'service.js.code-cache');
  const stampOfBundle = () => {
    const { size, mtimeMs } = statSync(join(dir, 'dist', 'service.js'));
    return `${size}:${mtimeMs}`;
  };
  const stampOfCache = () => {
    const cache = readFileSync(cacheFile());
    return cache.subarray(0, cache.indexOf(10)).toString('latin1');
  };
  const primeDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('lpf-prime-')).sort();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lpf-prime-checkout-'));
    for (const file of ['package.json', 'dist/service.js', 'dist/src/start.js', 'dist/src/runtime-flags.js', 'dist/src/common/startup/code-cache.js']) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(resolve(file), join(dir, file));
    }
    for (const folder of ['node_modules', 'proto']) symlinkSync(resolve(folder), join(dir, folder));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the cache for the bundle on disk, whatever the builder has set, and leaves nothing behind', async () => {
    const before = primeDirs();
    // settings that would fail a start that read them: the priming start must ignore them
    const primed = await run([PRIME], dir, { DATABASE_URL: 'mysql://root@127.0.0.1:1/nowhere', HTTP_PORT: '1', BUS_TRANSPORT: 'nats', BUS_URL: 'nats://127.0.0.1:1' });
    assert.equal(primed.code, 0, primed.stderr);
    assert.equal(primed.stdout.trim(), 'written', primed.stderr);
    assert.equal(primed.stderr, '', 'no warning');
    assert.equal(stampOfCache(), stampOfBundle(), 'a cache made for this bundle');
    assert.deepEqual(primeDirs(), before, 'its temporary data folder is gone');
  });

  it('does nothing when the cache is current, and primes again once the bundle changed', async () => {
    const again = await run([PRIME], dir, {});
    assert.equal(again.stdout.trim(), 'current', again.stderr);
    copyFileSync(resolve('dist/service.js'), join(dir, 'dist', 'service.js')); // a new build: a new modification time
    assert.notEqual(stampOfCache(), stampOfBundle());
    const rebuilt = await run([PRIME], dir, {});
    assert.equal(rebuilt.stdout.trim(), 'written', rebuilt.stderr);
    assert.equal(stampOfCache(), stampOfBundle());
  });

});
