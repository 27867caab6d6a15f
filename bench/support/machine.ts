import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

/** Lines describing the machine the figures come from (shared and noisy: the load average matters). */
export function machineContext(wrk: string): string[] {
  return [
    `machine: nproc ${availableParallelism()}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `node ${process.version}, ${wrk}`,
    `load average at start: ${loadAverage()}`,
  ];
}

export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** Milliseconds per clock tick of /proc (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/** The whole machine's CPU time since boot (ms, all CPUs): in use (steal included: taken from us by the host), and in all. */
export function machineCpuMs(): { usedMs: number; totalMs: number } {
  // cpu user nice system idle iowait irq softirq steal (guest time is counted in user already)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const usedTicks = user + nice + system + irq + softirq + steal;
  return { usedMs: usedTicks * TICK_MS, totalMs: (usedTicks + idle + iowait) * TICK_MS };
}

/** CPU time (ms) of this process and of the children it has reaped (wrk runs, once they end). */
export function benchCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // fields after the command name start with field 3: utime, stime, cutime, cstime are fields 14-17
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * TICK_MS;
}
