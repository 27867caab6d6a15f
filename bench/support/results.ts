import type { WrkResult } from './wrk.js';

/** One measured row, whatever produced it (wrk against a process, or the raw driver floor). */
export interface RowResult {
  number: number;
  name: string;
  /** Requests (or, for the raw driver floor, transactions) per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Slowest request (wrk rows only). */
  maxMs?: number;
  /** Answers by status; absent for the raw driver floor, which has no HTTP. */
  statuses?: Record<string, number>;
  non2xx: number;
  socketErrors: number;
  socketErrorText?: string;
  /** Set when wrk's own count of status >= 400 disagrees with the script's tally. */
  tallyMismatch?: string;
  serviceRssMiB: number;
  /** CPU time of the measured process (the service, a floor server, the raw driver floor) per request or transaction, in µs. */
  cpuUsPerRequest?: number;
  /** CPU time of the database server meanwhile, per request or transaction, in µs (MariaDB on this machine only). */
  databaseCpuUsPerRequest?: number;
  /** The machine's CPU used by anything but the measured process, the database server, wrk and the bench (steal included), in % of all it had. */
  elsewherePercent?: number;
  /** The CPU figures the columns come from, where a row may be pooled with another measurement of it. */
  cpuUse?: { processMs: number; databaseMs?: number; elsewhereMs: number; capacityMs: number };
  /** Seconds since the service's launch when the measured window began (to cut a CPU profile to it). */
  measuredFromS?: number;
  /** When the measured window ended, where it is not measuredFromS + the row's seconds (interleaved rows share one window). */
  measuredToS?: number;
  /** The floor process's own resident set, for rows measuring a floor. */
  floorRssMiB?: number;
  /** Interleaved rows: the p99 of each slice, in the order they ran. */
  sliceP99Ms?: number[];
  /** When each of those slices began, in seconds since the service's launch. */
  sliceStartS?: number[];
  /** What wrk reported, where a row may be pooled with another measurement of it. */
  wrk?: WrkResult;
}

export interface TableResult {
  title: string;
  lines: string[];
  rows: RowResult[];
  notes: string[];
}
