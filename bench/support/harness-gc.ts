/**
 * The bench's own process and its collections. After the setup (10,000 orgs created and read
 * through the API) its heap held some 80 MB, and V8's memory reducer gave it back by compacting
 * collections (26, 12 and 5 ms, with concurrent marking before them) about 16 s after the setup
 * ended: in the middle of the measured slices, at the same point (the second slice of row 8),
 * where the CPU they took from a machine already shared by the service and wrk raised that slice's
 * p99 to 3.9–6.3 ms in eight of eleven runs, A/A controls included. So `npm run bench` runs this
 * process without the memory reducer, and it collects its garbage once before the rows, when
 * nothing is measured.
 */
export function collectHarnessGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** What the table says of the harness's collections. */
export function harnessGcLine(): string {
  const reducerOff = process.execArgv.includes('--no-memory-reducer');
  const collected = typeof (globalThis as { gc?: unknown }).gc === 'function';
  return reducerOff && collected
    ? 'bench process: its garbage collected before the rows, no memory reducer (its compacting collections fell into the measured slices)'
    : `bench process: run without npm run bench's node options, so V8's memory reducer may compact its heap during the measured slices (see bench/support/harness-gc.ts)`;
}
