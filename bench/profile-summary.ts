// Summary of a V8 CPU profile (.cpuprofile, as written by node --cpu-prof): the functions with the
// most self time, and self time grouped by where the code lives.
//
//   node dist/bench/profile-summary.js <file.cpuprofile> [--top 25] [--skip-seconds N]
//
// --skip-seconds drops the first N seconds of the profile (a service profile starts at process
// start: module loading and set-up would otherwise be mixed into the figures of the load).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** V8's pseudo-frames: not code of any package. */
const PSEUDO_FRAMES = new Set(['(garbage collector)', '(idle)', '(program)', '(root)']);

/**
 * Microseconds of self time per node id, counting samples taken `skipUs` or more after the start.
 * Sample i lasts until sample i+1 (as DevTools counts it); the last one until the profile's end.
 */
function selfTimes(profile: CpuProfile, skipUs: number): { times: Map<number, number>; counted: number } {
  const times = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  let at = profile.startTime;
  let counted = 0;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i];
    if (at - profile.startTime < skipUs) continue;
    const duration = i + 1 < samples.length ? timeDeltas[i + 1] : profile.endTime - at;
    times.set(samples[i], (times.get(samples[i]) ?? 0) + Math.max(0, duration));
    counted++;
  }
  return { times, counted };
}

/** Where a frame's code lives: node_modules/<package>, node: internals, the project, or V8 itself. */
export function groupOf(frame: ProfileNode['callFrame']): string {
  if (PSEUDO_FRAMES.has(frame.functionName)) return frame.functionName === '(garbage collector)' ? 'GC' : frame.functionName.replace(/[()]/g, '');
  const url = frame.url;
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return `node_modules/${packageMatch[1]}`;
  if (url.startsWith('node:')) return 'node: internals';
  if (/\/dist\/src\//.test(url)) return 'project dist/src';
  if (/\/dist\/bench\//.test(url)) return 'project dist/bench';
  if (url === '') return 'native: C++ bindings, V8 builtins (no url)';
  return 'other files';
}

function shortUrl(url: string): string {
  const inPackage = /node_modules\/(.*)$/.exec(url);
  if (inPackage) return inPackage[1];
  const inProject = /\/(dist\/.*)$/.exec(url);
  return inProject ? inProject[1] : url;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, 'skip-seconds': { type: 'string', default: '0' } },
  });
  const [file] = positionals;
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [--top 25] [--skip-seconds N]');
    process.exit(2);
  }
  const topCount = Number(values.top);
  const skipSeconds = Number(values['skip-seconds']);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const { times, counted } = selfTimes(profile, skipSeconds * 1e6);
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  const idle = [...times].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, time]) => sum + time, 0);
  const busy = total - idle;

  const functions = new Map<string, { name: string; where: string; group: string; time: number }>();
  const groups = new Map<string, number>();
  for (const [id, time] of times) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const group = groupOf(frame);
    groups.set(group, (groups.get(group) ?? 0) + time);
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName}|${where}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', where, group, time: 0 };
    entry.time += time;
    functions.set(key, entry);
  }

  const ms = (us: number) => (us / 1000).toFixed(0).padStart(8);
  const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1)}%`.padStart(6);
  console.log(`${file}`);
  const span = (profile.endTime - profile.startTime) / 1e6;
  const skipped = skipSeconds > 0 ? ` (the first ${skipSeconds} s of ${span.toFixed(1)} s skipped)` : '';
  console.log(`${counted} samples over ${(total / 1e6).toFixed(1)} s${skipped}; busy (not idle) ${(busy / 1e6).toFixed(1)} s`);
  console.log(`\nTop ${topCount} functions by self time (ms, % of all, % of busy)`);
  const top = [...functions.values()].sort((a, b) => b.time - a.time).slice(0, topCount);
  for (const entry of top) {
    console.log(`${ms(entry.time)} ms ${pct(entry.time, total)} ${entry.name === '(idle)' ? '     -' : pct(entry.time, busy)}  ${entry.name}  ${entry.where || `[${entry.group}]`}`);
  }
  console.log('\nSelf time by package (ms, % of all, % of busy)');
  for (const [group, time] of [...groups].sort((a, b) => b[1] - a[1])) {
    console.log(`${ms(time)} ms ${pct(time, total)} ${group === 'idle' ? '     -' : pct(time, busy)}  ${group}`);
  }
}

main();
