import { setFlagsFromString } from 'node:v8';

/**
 * Called by src/start.ts once the service is up (and its code cache written: V8 accepts a cache
 * only under the flags it was made with, so the flag must come after). From then on V8's
 * heap-growth heuristics favour memory over speed. Measured with the benchmark: peak RSS over its
 * loads 135–142 MiB instead of 147–183 MiB, at the same read rate, and the idle process gives
 * start-up's memory back after ~9 s instead of ~17 s. Every full collection then compacts the whole
 * heap, which held up reads while full collections were frequent under read load; since they are
 * rare (no pretenuring, see package.json's start, and no GC observer, see process-metrics.ts) the
 * read rows of the benchmark run without any. Set from the first line instead, the flag made start-up
 * 90–180 ms slower (more collections while start-up first fills the heap).
 */
export function favourMemoryOverSpeed(): void {
  setFlagsFromString('--optimize-for-size');
}
