import { createWriteStream } from 'node:fs';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The project root (dist/bench/support → ../../..): the service and the floors run from there. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export { freePort } from '../../test/support/processes.js';

/** A node process of this project with its output kept (the tail only) for error messages. */
export class NodeProcess {
  readonly child: ChildProcess;
  private output = '';

  constructor(script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = [], outputFile?: string) {
    this.child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-8000));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    if (outputFile !== undefined) {
      const file = createWriteStream(outputFile);
      this.child.stdout?.pipe(file);
      this.child.stderr?.pipe(file);
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get recentOutput(): string {
    return this.output;
  }

  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise((done, fail) => {
      let buffered = '';
      const timer = setTimeout(() => finish(new Error(`no line matching ${pattern} within ${timeoutMs} ms: ${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        buffered += chunk.toString();
        const line = buffered.split('\n').find((candidate) => pattern.test(candidate));
        if (line !== undefined) finish(undefined, line);
      };
      // 'close', not 'exit': a process that prints its line and exits at once must not lose the race
      const onClose = () => finish(new Error(`exited before printing ${pattern}: ${this.output}`));
      const finish = (error?: Error, line?: string) => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.off('close', onClose);
        if (error) fail(error);
        else done(line as string);
      };
      this.child.stdout?.on('data', onData);
      this.child.once('close', onClose);
    });
  }

  /** SIGTERM (so a --cpu-prof profile gets written), SIGKILL if it is still there after `graceMs`. */
  stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      this.child.kill('SIGTERM');
    });
  }
}

export interface MemoryStatus {
  rssMiB: number;
  peakRssMiB: number;
}

/** VmRSS and VmHWM (peak resident set) of a live process, from /proc. */
export function memoryOf(pid: number): MemoryStatus {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

/** CPU time (user + system) a live process has used so far, in milliseconds, from /proc (10 ms steps). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the fields after the command name (which may hold spaces) start with field 3; utime and stime are fields 14 and 15, in USER_HZ (100/s)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The pid of the database server running on this machine (mariadbd, else mysqld), or undefined when none runs here. */
export function localDatabaseServerPid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const [pid] = execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n');
      if (pid) return Number(pid);
    } catch {
      // pgrep exits 1 when nothing matches
    }
  }
  return undefined;
}
