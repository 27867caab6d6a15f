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
