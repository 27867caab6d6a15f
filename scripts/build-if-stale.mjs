// Builds (the Nest CLI, then the bundle: scripts/bundle.mjs) only when a source changed since the
// last build, so `npm start` on an unchanged checkout starts at once. The build's inputs are
// fingerprinted (path, size and modification time of every file); the fingerprint of the last
// successful build is kept in dist/.build-fingerprint. With `--force` (`npm run build`) it builds
// in any case and leaves the stamp as well, so the next `npm start` does not build again.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'test', 'bench', 'ormconfig.ts', 'tsconfig.json', 'nest-cli.json', 'package-lock.json', join('scripts', 'bundle.mjs'), join('scripts', 'prime-code-cache.mjs')];
const STAMP = join('dist', '.build-fingerprint');

function files(path) {
  if (!existsSync(path)) return [];
  const stat = statSync(path);
  if (!stat.isDirectory()) return [`${path}:${stat.size}:${stat.mtimeMs}`];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

const fingerprint = createHash('sha256').update(INPUTS.flatMap(files).join('\n')).digest('hex');
if (!process.argv.includes('--force') && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === fingerprint) {
  // unchanged: a newer modification time only (a touch, a checkout of the same content); renewing
  // the stamp lets build-if-stale.sh answer without node next time
  writeFileSync(STAMP, fingerprint);
  process.exit(0);
}

const build = spawnSync(process.execPath, [join('node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// loaded only now: esbuild takes a moment to load, and an unchanged checkout does not need it
const { bundle } = await import('./bundle.mjs');
await bundle();
const { primeCodeCache } = await import('./prime-code-cache.mjs');
await primeCodeCache();
writeFileSync(STAMP, fingerprint);
