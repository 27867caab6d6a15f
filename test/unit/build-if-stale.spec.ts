import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * scripts/build-if-stale.sh in a scratch checkout whose build-if-stale.mjs only records that it
 * ran: the shell step must hand over to it whenever an input may have changed, and only then.
 */
describe('npm start and npm test: the quick check before the build', () => {
  let dir: string;
  const marker = () => join(dir, 'ran');
  const check = (): boolean => {
    rmSync(marker(), { force: true });
    const run = spawnSync('sh', ['scripts/build-if-stale.sh'], { cwd: dir, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return existsSync(marker());
  };
  const age = (path: string, secondsAgo: number) => {
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(dir, path), when, when);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lpf-stale-'));
    for (const folder of ['scripts', 'src/modules', 'test', 'bench', 'dist']) mkdirSync(join(dir, folder), { recursive: true });
    copyFileSync(resolve('scripts/build-if-stale.sh'), join(dir, 'scripts/build-if-stale.sh'));
    writeFileSync(join(dir, 'scripts/build-if-stale.mjs'), "import { writeFileSync } from 'node:fs';\nwriteFileSync('ran', '');\n");
    for (const file of ['src/modules/a.ts', 'src/main.ts', 'package.json', 'package-lock.json', 'tsconfig.json']) writeFileSync(join(dir, file), 'x');
    for (const path of ['scripts/build-if-stale.sh', 'scripts/build-if-stale.mjs', 'src/modules/a.ts', 'src/main.ts', 'src/modules', 'src', 'scripts', 'test', 'bench', 'package.json', 'package-lock.json', 'tsconfig.json']) age(path, 60);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hands over when there is no stamp of a build yet', () => {
    assert.equal(check(), true);
  });

  it('does nothing when every input is older than the stamp', () => {
    writeFileSync(join(dir, 'dist/.build-fingerprint'), 'f');
    assert.equal(check(), false);
  });

  it('hands over when a source changed, and when one was deleted', () => {
    writeFileSync(join(dir, 'src/modules/a.ts'), 'changed');
    assert.equal(check(), true);
    writeFileSync(join(dir, 'dist/.build-fingerprint'), 'f');
    assert.equal(check(), false);
    rmSync(join(dir, 'src/main.ts'));
    assert.equal(check(), true, 'the folder of a deleted file is newer');
  });
});

/**
 * scripts/build-if-stale.mjs in a scratch checkout whose Nest CLI, bundle and code-cache priming
 * only count that they ran: `npm run build` (`--force`) builds and leaves the stamp of what it
 * built, so the next `npm start` (the shell check, then the script) builds nothing.
 */
describe('npm run build: the stamp it leaves for npm start', () => {
  let dir: string;
  const builds = (): number => (existsSync(join(dir, 'builds')) ? readFileSync(join(dir, 'builds'), 'utf8').length : 0);
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lpf-build-'));
    for (const folder of ['scripts', 'src', 'test', 'bench', 'dist', 'node_modules/@nestjs/cli/bin']) mkdirSync(join(dir, folder), { recursive: true });
    for (const script of ['build-if-stale.sh', 'build-if-stale.mjs']) copyFileSync(resolve('scripts', script), join(dir, 'scripts', script));
    writeFileSync(join(dir, 'node_modules/@nestjs/cli/bin/nest.js'), "require('node:fs').appendFileSync('builds', 'x');\n");
    writeFileSync(join(dir, 'scripts/bundle.mjs'), 'export async function bundle() {}\n');
    writeFileSync(join(dir, 'scripts/prime-code-cache.mjs'), 'export async function primeCodeCache() {}\n');
    for (const file of ['src/main.ts', 'package.json', 'package-lock.json', 'tsconfig.json']) writeFileSync(join(dir, file), 'x');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is what npm run build runs', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.build, 'node scripts/build-if-stale.mjs --force');
  });

  it('builds even when nothing changed, and leaves a stamp that npm start accepts', () => {
    run(process.execPath, ['scripts/build-if-stale.mjs', '--force']);
    run(process.execPath, ['scripts/build-if-stale.mjs', '--force']);
    assert.equal(builds(), 2, 'npm run build always builds');
    assert.ok(existsSync(join(dir, 'dist/.build-fingerprint')));
    run('sh', ['scripts/build-if-stale.sh']);
    run(process.execPath, ['scripts/build-if-stale.mjs']);
    assert.equal(builds(), 2, 'npm start after npm run build built again');
    writeFileSync(join(dir, 'src/main.ts'), 'changed');
    // an edit after the build: written this soon after the stamp, it could share the stamp's time (the file system's clock
    // ticks every few ms), and `find -newer` would not see it (once in CI), which no edit by hand can do
    const later = new Date(Date.now() + 2000);
    utimesSync(join(dir, 'src/main.ts'), later, later);
    run('sh', ['scripts/build-if-stale.sh']);
    assert.equal(builds(), 3, 'a changed source is built');
  });
});
