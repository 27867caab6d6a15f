import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runWithCodeCache } from '../../src/common/startup/code-cache.js';

/** A stand-in for dist/service.js: records that it ran, and which build it is. */
const bundleSource = (build: 'A' | 'B') =>
  `globalThis.codeCacheRuns.push({ build: '${build}', filename: __filename, exportsIsModuleExports: exports === module.exports });\n` +
  `exports.started = new Promise((resolve) => setTimeout(resolve, 5));\n`;

const runs = ((globalThis as unknown as { codeCacheRuns: unknown[] }).codeCacheRuns = []);

describe('start-up code cache (src/start.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lpf-code-cache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('compiles and writes the cache on the first run, runs from it on the next, as a CommonJS module', async () => {
    const bundle = join(dir, 'service.js');
    writeFileSync(bundle, bundleSource('A'));
    assert.equal(await runWithCodeCache(bundle), 'written');
    const cache = readFileSync(`${bundle}.code-cache`);
    assert.match(cache.subarray(0, cache.indexOf(10)).toString('latin1'), /^\d+:[\d.]+$/);
    assert.equal(await runWithCodeCache(bundle), 'used');
    assert.deepEqual(runs.splice(0), [
      { build: 'A', filename: bundle, exportsIsModuleExports: true },
      { build: 'A', filename: bundle, exportsIsModuleExports: true },
    ]);
  });

  it('never runs an old build from the cache: a rebuilt bundle of the same length is compiled afresh', async () => {
    const bundle = join(dir, 'rebuilt.js');
    writeFileSync(bundle, bundleSource('A'));
    assert.equal(await runWithCodeCache(bundle), 'written');
    writeFileSync(bundle, bundleSource('B')); // same length: V8's own check would accept A's bytecode
    utimesSync(bundle, new Date(), new Date(Date.now() + 60_000));
    assert.equal(await runWithCodeCache(bundle), 'written');
    assert.equal(await runWithCodeCache(bundle), 'used');
    assert.deepEqual(
      runs.splice(0).map((run) => (run as { build: string }).build),
      ['A', 'B', 'B'],
    );
  });

  it('reads an ASCII bundle and one with other characters as the same text the file holds', async () => {
    const bundle = join(dir, 'text.js');
    for (const text of ['plain ASCII', 'caf\u00e9 \u65e5\u672c \u{1F600}']) {
      writeFileSync(bundle, `globalThis.codeCacheRuns.push({ text: ${JSON.stringify(text)} });\n`); // UTF-8 on disk
      await runWithCodeCache(bundle);
      assert.deepEqual(runs.splice(0), [{ text }]);
    }
  });

  it('runs the bundle all the same when the cache cannot be written', async () => {
    const bundle = join(dir, 'unwritable.js');
    writeFileSync(bundle, bundleSource('A'));
    mkdirSync(`${bundle}.code-cache`); // a folder where the cache file would go
    assert.equal(await runWithCodeCache(bundle), 'not-written');
    assert.equal(await runWithCodeCache(bundle), 'not-written');
    assert.equal(runs.splice(0).length, 2);
    assert.ok(!existsSync(`${bundle}.code-cache.${process.pid}`), 'no temporary file left behind');
  });
});
