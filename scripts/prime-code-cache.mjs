// The build's last step: starts the freshly bundled service once, as `npm start` would, on an
// embedded database in a temporary folder, and stops it as soon as it has written V8's code cache
// beside the bundle (src/common/startup/code-cache.ts). So even the first start after a build or
// an install runs from the cache: without it, that start compiles the bundle and then spends some
// 150 ms writing the cache just as it becomes ready (ready after ~1.0 s instead of ~0.7 s).
//
// The run sees none of the builder's settings (a DATABASE_URL, a bus): only what `npm start` sets,
// and its own folder and ports on 127.0.0.1. When it fails, the build says so and goes on: the
// service then writes the cache on its first start, as before. `node scripts/prime-code-cache.mjs`
// primes the checkout it is run in.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const BUNDLE = join('dist', 'service.js');
const CACHE = `${BUNDLE}.code-cache`;
const DEADLINE_MS = 60_000;

/** The `start` script of package.json, as test/support/start-command.ts reads it (that file is compiled only by this build). */
function startCommand() {
  const words = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start.trim().split(/\s+/);
  const env = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift().split('=');
    env[name] = value.join('=');
  }
  const script = words.pop();
  if (words.shift() !== 'node') throw new Error(`npm start is not "[NAME=value …] node [--option …] <script>"`);
  return { env, nodeArgs: words, script };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True once the cache file is the one for the bundle on disk now (the stamp on its first line). */
function cacheIsCurrent() {
  try {
    const { size, mtimeMs } = statSync(BUNDLE);
    const file = readFileSync(CACHE);
    return file.subarray(0, file.indexOf(10)).toString('latin1') === `${size}:${mtimeMs}`;
  } catch {
    return false;
  }
}

/** Resolves with what happened: 'current' (there was nothing to do), 'written' or 'failed' (and warned). */
export async function primeCodeCache() {
  if (cacheIsCurrent()) return 'current';
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'lpf-prime-'));
  const { env, nodeArgs, script } = startCommand();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dataDir,
      ...env,
      DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(await freePort()),
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const exited = new Promise((done) => child.once('exit', done));
  let ended = false;
  void exited.then(() => (ended = true));
  try {
    while (!cacheIsCurrent() && !ended && performance.now() - started < DEADLINE_MS) {
      await new Promise((done) => setTimeout(done, 20));
    }
  } finally {
    if (!ended) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (cacheIsCurrent()) return 'written';
  console.warn(`warning: the first start did not write the code cache (the service writes it on its first start instead)${output ? `:\n${output}` : ''}`);
  return 'failed';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await primeCodeCache());
}
