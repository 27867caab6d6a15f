// Runs every compiled test file (*.spec.js, *.e2e-spec.js under dist/test) with Node's test
// runner, prints the spec report, names what was skipped and why, and ends with one line:
// "N passed, N failed[, N skipped]".
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = 'dist/test';
const only = process.argv.slice(2);

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return /\.(e2e-)?spec\.js$/.test(name) ? [path] : [];
  });
}

const files = collect(root)
  .filter((file) => only.length === 0 || only.some((pattern) => file.includes(pattern)))
  .sort();
if (files.length === 0) {
  console.error(`no test files found under ${root} (run "npm run build" first)`);
  process.exit(1);
}

const counts = {};
// skipped tests and skipped suites (a suite skipped as a whole is not in the runner's own count)
const skipped = [];
const stream = run({ files, concurrency: 2, timeout: 180_000 });
stream.on('test:pass', ({ name, skip }) => {
  if (skip !== undefined && skip !== false) skipped.push(typeof skip === 'string' ? `${name} (${skip})` : name);
});
stream.on('test:diagnostic', ({ message }) => {
  const match = /^(tests|pass|fail|cancelled|skipped|todo) (\d+)$/.exec(message);
  if (match) counts[match[1]] = Number(match[2]);
});
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  const failed = (counts.fail ?? 0) + (counts.cancelled ?? 0);
  setImmediate(() => {
    if (skipped.length > 0) console.log(`\nskipped:\n${skipped.map((name) => `  ${name}`).join('\n')}`);
    console.log(`\n${counts.pass ?? 0} passed, ${failed} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
    process.exitCode = failed > 0 || (counts.pass ?? 0) === 0 ? 1 : 0;
  });
});
