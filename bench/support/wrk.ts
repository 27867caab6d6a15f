import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './processes.js';

/** Fixed by the brief: the same client shape for every row. */
export const WRK_THREADS = 2;
export const WRK_CONNECTIONS = 32;

export type WrkScript = 'fixed-request' | 'random-org' | 'write-cycle';

export interface WrkLoad {
  script: WrkScript;
  url: string;
  headers: Record<string, string>;
  /** Passed to the script's init(args) after `--`. */
  args: string[];
}

export interface WrkResult {
  requests: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by status code, from the scripts' response() tally. */
  statuses: Record<string, number>;
  non2xx: number;
  /** wrk's own count (it counts status >= 400 only), as a cross-check of the tally. */
  wrkStatusErrors: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  /** Every latency wrk recorded, as [microseconds, count], ascending. */
  latencyHistogram: [number, number][];
}

interface ReportLine {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  non2xx: number;
  statuses: Record<string, number>;
  wrkStatusErrors: number;
  socketErrors: WrkResult['socketErrors'];
  latencyHistogram: [number, number][];
}

/** Runs wrk (an external process, so the load costs the measured process nothing) for `seconds`. */
export function runWrk(load: WrkLoad, seconds: number): Promise<WrkResult> {
  const headerArgs = Object.entries(load.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const args = [
    `-t${WRK_THREADS}`,
    `-c${WRK_CONNECTIONS}`,
    `-d${seconds}s`,
    '--latency',
    // wrk's default of 2 s would count slow answers as socket timeouts rather than measure them
    '--timeout',
    '10s',
    '-s',
    join(PROJECT_ROOT, 'bench', 'wrk', `${load.script}.lua`),
    ...headerArgs,
    load.url,
    '--',
    ...load.args,
  ];
  return new Promise((done, fail) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      const line = /^BENCH_RESULT (.*)$/m.exec(stdout)?.[1];
      if (code !== 0 || !line) return fail(new Error(`wrk exited with ${code}: ${stderr}${stdout}`));
      const report = JSON.parse(line) as ReportLine;
      const measured = report.durationUs / 1e6;
      done({
        requests: report.requests,
        seconds: measured,
        rate: report.requests / measured,
        p50Ms: report.p50Us / 1000,
        p99Ms: report.p99Us / 1000,
        maxMs: report.maxUs / 1000,
        statuses: report.statuses,
        non2xx: report.non2xx,
        wrkStatusErrors: report.wrkStatusErrors,
        socketErrors: report.socketErrors,
        latencyHistogram: report.latencyHistogram,
      });
    });
  });
}

export async function wrkVersion(): Promise<string> {
  return new Promise((done) => {
    const child = spawn('wrk', ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', () => done('wrk not found'));
    child.on('close', () => done(/^wrk \S+/.exec(out)?.[0] ?? out.split('\n')[0]));
  });
}

/**
 * Several runs of one workload as one: requests and seconds added, statuses and errors added,
 * the latency histograms merged and the percentiles read from the merged one (as wrk reads them).
 */
export function pooledWrkResults(runs: WrkResult[]): WrkResult {
  const counts = new Map<number, number>();
  for (const run of runs) for (const [value, count] of run.latencyHistogram) counts.set(value, (counts.get(value) ?? 0) + count);
  const latencyHistogram = [...counts].sort((a, b) => a[0] - b[0]);
  const samples = latencyHistogram.reduce((sum, [, count]) => sum + count, 0);
  const percentileMs = (p: number) => {
    const rank = Math.round((p / 100) * samples + 0.5);
    let seen = 0;
    for (const [value, count] of latencyHistogram) if ((seen += count) >= rank) return value / 1000;
    return latencyHistogram.length ? latencyHistogram[latencyHistogram.length - 1][0] / 1000 : NaN;
  };
  const sum = (pick: (run: WrkResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const statuses: Record<string, number> = {};
  for (const run of runs) for (const [status, count] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const requests = sum((run) => run.requests);
  const seconds = sum((run) => run.seconds);
  return {
    requests,
    seconds,
    rate: requests / seconds,
    p50Ms: percentileMs(50),
    p99Ms: percentileMs(99),
    maxMs: Math.max(...runs.map((run) => run.maxMs)),
    statuses,
    non2xx: sum((run) => run.non2xx),
    wrkStatusErrors: sum((run) => run.wrkStatusErrors),
    socketErrors: {
      connect: sum((run) => run.socketErrors.connect),
      read: sum((run) => run.socketErrors.read),
      write: sum((run) => run.socketErrors.write),
      timeout: sum((run) => run.socketErrors.timeout),
    },
    latencyHistogram,
  };
}
