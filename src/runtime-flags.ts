import { setFlagsFromString } from 'node:v8';

// Loaded first by main.ts. V8's heap-growth heuristics favour memory over the last percent of
// speed: measured with the read benchmark, the RSS after 10 s of load stayed at ~120 MiB instead
// of ~165 MiB, at the same throughput within the machine's noise.
setFlagsFromString('--optimize-for-size');
