import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_FILE_NAME } from '../src/common/config/load-config.js';
import { CannedResponse, readCannedResponse } from './floors/canned-response.js';
import { ApiClient, inParallel } from './support/api-client.js';
import { collectHarnessGarbage, harnessGcLine } from './support/harness-gc.js';
import { benchCpuMs, loadAverage, machineCpuMs } from './support/machine.js';
import { BenchDatabase } from './support/mysql-database.js';
import { DatabaseKind, BenchOptions } from './support/options.js';
import { createOrgPopulation, OrgPopulation, SETUP_CONCURRENCY } from './support/org-population.js';
import { cpuMsOf, freePort, localDatabaseServerPid, memoryOf, NodeProcess } from './support/processes.js';
import { RowResult, TableResult } from './support/results.js';
import { BARE_HTTP_ROW, POPULATION_ROWS, RAW_WRITE_FLOOR_ROW, rowName } from './support/rows.js';
import { Service } from './support/service.js';
import { SqliteDurability, sqliteDurability, SYNCHRONOUS_NAMES } from './support/sqlite-durability.js';
import { errorNotes } from './support/table.js';
import { TokenMinter } from './support/tokens.js';
import { describePairedRatio, pairedRatio } from './support/paired-ratio.js';
import { pooledWrkResults, runWrk, WRK_CONNECTIONS, WRK_THREADS, WrkLoad, WrkResult } from './support/wrk.js';

/**
 * How long after ready the idle RSS is read: V8's memory reducer gives back what start-up used
 * about 8 s after the process went idle (and the first start after a build also writes V8's code
 * cache, a few MiB freed at once). Both figures are printed.
 */
const IDLE_AFTER_READY_MS = 12_000;

const LIST_2FA = '/management/v1/policies/login/second_factors/_search';
const ADMIN_LIST_2FA = '/admin/v1/policies/login/second_factors/_search';
const GET_POLICY = '/management/v1/policies/login';
/** Largest org block per wrk thread in the write cycle; the brief asks for at least 500. */
const WRITE_BLOCK_MAX = 1000;
const WRITE_BLOCK_WANTED = 500;
/** Below this, requests in flight on one thread could meet on an org. */
const WRITE_BLOCK_MIN = 4 * (WRK_CONNECTIONS / WRK_THREADS);
/** Orgs of the read rows, kept out of the write cycle's blocks. */
const READ_ORGS = 10;
/** Rows measured in alternating slices (see measureInterleaved), and how long a slice is. */
const INTERLEAVED_ROWS: [number, number] = [7, 8];
const SLICE_SECONDS = 2;
/**
 * The interleaved rows compare two p99s, and a p99 of 10 s moved by ±0.2 between runs here (five
 * slices each): they get three times the measured seconds of a row.
 */
const INTERLEAVED_TIME_FACTOR = 3;

/**
 * The slices of the interleaved rows: each row gets `--slices` slices of SLICE_SECONDS (by default
 * as many as make INTERLEAVED_TIME_FACTOR × `seconds`, at least two), in the order A B B A A B …,
 * so that neither row runs first or last more often.
 */
function interleaving(options: BenchOptions): { sliceSeconds: number; slicesPerRow: number; order: number[] } {
  const slicesPerRow = options.slices ?? Math.max(2, Math.round((options.seconds * INTERLEAVED_TIME_FACTOR) / SLICE_SECONDS));
  const order = Array.from({ length: slicesPerRow }, (_, slice) => (slice % 2 === 0 ? [0, 1] : [1, 0])).flat();
  return { sliceSeconds: SLICE_SECONDS, slicesPerRow, order };
}

export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Everything the rows of one table need, made once after the service is up. */
interface Fixture {
  kind: DatabaseKind;
  dataDir: string;
  databaseUrl?: string;
  service: Service;
  durability?: SqliteDurability;
  population: OrgPopulation;
  iamToken: string;
  customOrgToken: string;
  inheritingOrgToken: string;
  cannedFile: string;
  files: { orgs10: string; orgsAll: string; writeWarmup: string; writeMeasured: string; answersByOrg: string };
  writeBlock: number;
  /** What the raw driver floor reported about its settings, once it ran. */
  floorSettings?: Record<string, unknown>;
  /** Rows 7 and 8's loads against the org-answer floor, once they ran. */
  orgAnswerFloor?: InterleavedPair;
  /** The MariaDB server's pid when it runs on this machine (its CPU per request gets a column). */
  databasePid?: number;
}

/**
 * CPU (ms) used over a window by the measured process, the database server (where it runs here),
 * and everything else: the machine's CPU in use (steal included) less those two, wrk and the bench
 * itself. `elsewhereMs` is what disturbed the row (another job on the machine, or the host taking
 * CPU from it), against `capacityMs`, all the CPU the machine had over the window.
 */
interface CpuUse {
  processMs: number;
  databaseMs?: number;
  elsewhereMs: number;
  capacityMs: number;
}

interface CpuWindow {
  end(): CpuUse;
}

function cpuWindow(pid: number, databasePid: number | undefined): CpuWindow {
  const processBefore = cpuMsOf(pid);
  const databaseBefore = databasePid === undefined ? 0 : cpuMsOf(databasePid);
  const machineBefore = machineCpuMs();
  const benchBefore = benchCpuMs();
  return {
    end: () => {
      const processMs = cpuMsOf(pid) - processBefore;
      const databaseMs = databasePid === undefined ? undefined : cpuMsOf(databasePid) - databaseBefore;
      const machine = machineCpuMs();
      const accounted = processMs + (databaseMs ?? 0) + (benchCpuMs() - benchBefore);
      return { processMs, databaseMs, elsewhereMs: Math.max(0, machine.usedMs - machineBefore.usedMs - accounted), capacityMs: machine.totalMs - machineBefore.totalMs };
    },
  };
}

/** Two windows' CPU use as one. */
function addedCpuUse(a: CpuUse, b: CpuUse): CpuUse {
  return {
    processMs: a.processMs + b.processMs,
    databaseMs: a.databaseMs === undefined || b.databaseMs === undefined ? undefined : a.databaseMs + b.databaseMs,
    elsewhereMs: a.elsewhereMs + b.elsewhereMs,
    capacityMs: a.capacityMs + b.capacityMs,
  };
}

/** The CPU columns of a row: µs of the measured process, and of the database server, per request; the share used elsewhere. */
function cpuPerRequest(cpu: CpuUse, requests: number): Pick<RowResult, 'cpuUsPerRequest' | 'databaseCpuUsPerRequest' | 'elsewherePercent' | 'cpuUse'> {
  return {
    cpuUsPerRequest: (cpu.processMs * 1000) / requests,
    databaseCpuUsPerRequest: cpu.databaseMs === undefined ? undefined : (cpu.databaseMs * 1000) / requests,
    elsewherePercent: cpu.capacityMs > 0 ? (100 * cpu.elsewhereMs) / cpu.capacityMs : undefined,
    cpuUse: cpu,
  };
}

/** One table: starts the service on a fresh database, sets up the orgs, runs the rows one after another. */
export async function measureDatabase(kind: DatabaseKind, options: BenchOptions): Promise<TableResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lpf-bench-'));
  const database = kind === 'mysql' ? await BenchDatabase.create(options.mysqlUrl) : undefined;
  let service: Service | undefined;
  try {
    progress(`${kind}: starting the service${database ? ` on database ${database.name}` : ''}`);
    const outputFile = options.serviceOutput === undefined ? undefined : `${options.serviceOutput}.${kind}`;
    service = await Service.launch({ dataDir, databaseUrl: database?.url, nodeArgs: options.serviceNodeArgs, outputFile });
    const atReady = service.memory();
    await new Promise((settled) => setTimeout(settled, IDLE_AFTER_READY_MS));
    const idle = service.memory();
    const durability = kind === 'sqlite' ? await sqliteDurability(join(dataDir, SQLITE_FILE_NAME)) : undefined;
    const fixture = await prepare(kind, dataDir, database?.url, service, durability, options);
    if (options.rows.includes(7) || options.rows.includes(8)) await readEveryOrgOnce(fixture);
    const settledSeconds = await database?.settle();
    collectHarnessGarbage();
    const lines = [
      `service: ready after launch ${service.readyAfterMs.toFixed(0)} ms; RSS at ready ${atReady.rssMiB.toFixed(1)} MiB, idle ${IDLE_AFTER_READY_MS / 1000} s later ${idle.rssMiB.toFixed(1)} MiB` +
        (options.serviceNodeArgs.length ? `; node args: ${options.serviceNodeArgs.join(' ')}` : ''),
      ...(durability
        ? [
            `SQLite durability on the service's connection (TypeORM's better-sqlite3 driver with the service's options): journal_mode=${durability.journalMode}, synchronous=${durability.synchronous} (${SYNCHRONOUS_NAMES[durability.synchronous]}); the raw floor sets the same`,
          ]
        : []),
      setupLine(fixture.population) + (settledSeconds === undefined ? '' : `; then ${settledSeconds.toFixed(1)} s until InnoDB had purged the setup's history`),
      `load: wrk, ${WRK_THREADS} threads, ${WRK_CONNECTIONS} keep-alive connections, --latency, ${options.warmupSeconds} s warm-up + ${options.seconds} s measured per row, rows one after another (except 7 and 8, see below); load average before the rows: ${loadAverage()}`,
      harnessGcLine(),
    ];
    const rows: RowResult[] = [];
    const interleaved = INTERLEAVED_ROWS.every((number) => options.rows.includes(number));
    for (const number of options.rows) {
      if (interleaved && number === INTERLEAVED_ROWS[0]) {
        rows.push(...(await measureInterleaved(INTERLEAVED_ROWS, fixture, options)));
        fixture.orgAnswerFloor = await measureOrgAnswerFloor(fixture, options);
      } else if (!(interleaved && INTERLEAVED_ROWS.includes(number))) rows.push(await measureRow(number, fixture, options));
    }
    const peak = service.memory();
    lines.push(`service peak RSS (VmHWM) over the table: ${peak.peakRssMiB.toFixed(1)} MiB; load average after the rows: ${loadAverage()}`);
    const drift = await floorDrift(rows, fixture, options);
    const notes = [...errorNotes(rows), ...rowNotes(fixture, options), ...sliceNotes(rows, options), ...orgAnswerFloorNotes(fixture, options), ...profileWindows(rows, options), ...drift];
    return { title: '', lines, rows, notes };
  } finally {
    await service?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function prepare(
  kind: DatabaseKind,
  dataDir: string,
  databaseUrl: string | undefined,
  service: Service,
  durability: SqliteDurability | undefined,
  options: BenchOptions,
): Promise<Fixture> {
  const minter = await TokenMinter.forDataDir(dataDir);
  const iamToken = await minter.iamOwner();
  const api = new ApiClient(service.baseUrl, iamToken);
  const wholePopulation = options.rows.some((row) => POPULATION_ROWS.includes(row));
  const count = wholePopulation ? options.orgs : 2;
  progress(`${kind}: creating ${count} orgs through the API (every other one with a custom policy)`);
  const population = await createOrgPopulation(api, count);
  progress(`${kind}: setup took ${population.setupSeconds.toFixed(1)} s`);
  const [customOrg] = population.custom;
  const [inheritingOrg] = population.inheriting;
  const customOrgToken = await minter.orgOwner(customOrg);

  const writable = population.custom.slice(READ_ORGS / 2);
  const writeBlock = Math.min(WRITE_BLOCK_MAX, Math.floor(writable.length / (2 * WRK_THREADS)));
  if (options.rows.includes(9) && writeBlock < WRITE_BLOCK_MIN) {
    throw new Error(`the write cycle needs at least ${WRITE_BLOCK_MIN} orgs per wrk thread and phase; raise --orgs`);
  }
  const file = (name: string) => join(dataDir, name);
  const files = { orgs10: file('orgs-10.txt'), orgsAll: file('orgs-all.txt'), writeWarmup: file('write-warmup.txt'), writeMeasured: file('write-measured.txt'), answersByOrg: file('answers-by-org.json') };
  // warm-up and measurement get separate blocks: a wrk run restarts its counter at an add, so a block
  // left half-added by the warm-up would answer 409s
  await writeFile(files.orgs10, population.all.slice(0, READ_ORGS).join('\n'));
  await writeFile(files.orgsAll, population.all.join('\n'));
  await writeFile(files.writeWarmup, writable.slice(0, WRK_THREADS * writeBlock).join('\n'));
  await writeFile(files.writeMeasured, writable.slice(WRK_THREADS * writeBlock, 2 * WRK_THREADS * writeBlock).join('\n'));

  const cannedFile = file('canned-response.json');
  const canned = await answerOf(`${service.baseUrl}${LIST_2FA}`, readHeaders(customOrgToken, customOrg));
  if (canned.status !== 200) throw new Error(`the measured read answered ${canned.status}: ${canned.body}`);
  await writeFile(cannedFile, JSON.stringify({ path: LIST_2FA, ...canned } satisfies CannedResponse));

  return {
    kind,
    dataDir,
    databaseUrl,
    service,
    durability,
    population,
    iamToken,
    customOrgToken,
    inheritingOrgToken: await minter.orgOwner(inheritingOrg),
    cannedFile,
    files,
    writeBlock,
    databasePid: kind === 'mysql' && isLocalServer(databaseUrl as string) ? localDatabaseServerPid() : undefined,
  };
}

async function measureRow(number: number, fixture: Fixture, options: BenchOptions): Promise<RowResult> {
  const base = fixture.service.baseUrl;
  const [customOrg] = fixture.population.custom;
  const [inheritingOrg] = fixture.population.inheriting;
  const listOnCustomOrg: WrkLoad = { script: 'fixed-request', url: `${base}${LIST_2FA}`, headers: readHeaders(fixture.customOrgToken, customOrg), args: ['POST', '{}'] };
  switch (number) {
    case 1:
      return measureHttpFloor(number, 'dist/bench/floors/bare-http-server.js', listOnCustomOrg, fixture, options);
    case 2:
      return measureHttpFloor(number, 'dist/bench/floors/framework-floor.js', listOnCustomOrg, fixture, options);
    case 3:
      return measureService(number, listOnCustomOrg, fixture, options);
    case 4:
      return measureService(number, { ...listOnCustomOrg, headers: readHeaders(fixture.inheritingOrgToken, inheritingOrg) }, fixture, options);
    case 5: {
      const { authorization, 'x-zitadel-orgid': org } = readHeaders(fixture.customOrgToken, customOrg);
      return measureService(number, { script: 'fixed-request', url: `${base}${GET_POLICY}`, headers: { authorization, 'x-zitadel-orgid': org }, args: ['GET'] }, fixture, options);
    }
    case 6:
      return measureService(number, { script: 'fixed-request', url: `${base}${ADMIN_LIST_2FA}`, headers: readHeaders(fixture.iamToken), args: ['POST', '{}'] }, fixture, options);
    case 7:
    case 8:
      return measureService(number, randomOrgLoad(number, fixture, options), fixture, options);
    case 9: {
      const load = (file: string): WrkLoad => ({ script: 'write-cycle', url: `${base}/`, headers: readHeaders(fixture.iamToken), args: [file, String(fixture.writeBlock)] });
      return measureService(number, load(fixture.files.writeMeasured), fixture, options, load(fixture.files.writeWarmup));
    }
    case RAW_WRITE_FLOOR_ROW:
      return measureRawWriteFloor(number, fixture, options);
    default:
      throw new Error(`no row ${number}`);
  }
}

/** Rows 7 and 8: a random org per request, among 10 orgs or the whole population (with --control, row 8 reads the same 10 as row 7). */
function randomOrgLoad(number: number, fixture: Fixture, options: BenchOptions): WrkLoad {
  const orgFile = number === 7 || options.control ? fixture.files.orgs10 : fixture.files.orgsAll;
  return { script: 'random-org', url: `${fixture.service.baseUrl}${LIST_2FA}`, headers: readHeaders(fixture.iamToken), args: [orgFile, 'POST', '{}'] };
}

/**
 * Reads every org once, right after the setup, so rows 7 and 8 are measured in the state of a
 * service that has served them for a while: each org's row read, decoded and kept. Their random
 * warm-up alone leaves orgs unread (with 10,000 orgs, 3 s at 15k reads/s on MariaDB read 95.5% of
 * them), and the first reads of the rest (a statement each, a decode, a row kept) fell into the
 * 10,000-org row's measured slices, with the full collections that filling the cache brings on.
 * Done before row 1, so those collections happen while the floors run.
 */
async function readEveryOrgOnce(fixture: Fixture): Promise<void> {
  const orgs = fixture.population.all;
  const api = new ApiClient(fixture.service.baseUrl, fixture.iamToken);
  progress(`${fixture.kind}: reading each of the ${orgs.length} orgs once (rows 7 and 8 start from a served state)`);
  const answers: Record<string, string> = {};
  let contentType = '';
  await inParallel(orgs, SETUP_CONCURRENCY, async (org) => {
    const answer = await api.answerText('POST', LIST_2FA, { org, body: {} });
    answers[org] = answer.text;
    contentType = answer.contentType;
  });
  // the org-answer floor answers each org with what the service answered it (see measureOrgAnswerFloor)
  await writeFile(fixture.files.answersByOrg, JSON.stringify({ contentType, answers }));
}

/**
 * Rows 7 and 8 are compared with each other (the p99 with 10,000 orgs against the one with 10),
 * so they run interleaved: both warm up, then alternate slices in the order A B B A A B B A, and
 * each row pools its slices (requests, seconds, latency histograms, CPU). The machine's drift over
 * the minute then moves both alike, instead of whichever row happened to run in a slow moment.
 *
 * Before the measured slices, one unmeasured slice of each (the lead-in): the first slice after
 * the warm-ups met a full collection far more often than any other (V8's memory reducer, whose
 * timer the setup's collections set, fired there: 9 of 13 runs), and it was always row A's, which
 * made row A's p99 look worse than it is.
 */
async function measureInterleaved(numbers: [number, number], fixture: Fixture, options: BenchOptions): Promise<RowResult[]> {
  const loads = numbers.map((number) => randomOrgLoad(number, fixture, options));
  const clock = () => fixture.service.secondsSinceLaunch();
  const measuredFromS = clock();
  const pair = await interleave(numbers, loads, fixture.service.pid, fixture.databasePid, options, clock);
  const measuredToS = clock();
  return numbers.map((number, i) => ({
    ...rowOf(number, options, pair.pooled[i], fixture.service.memory().rssMiB),
    measuredFromS,
    measuredToS,
    ...cpuPerRequest(pair.cpu[i], pair.pooled[i].requests),
    sliceP99Ms: pair.slices[i].map((run) => run.p99Ms),
    sliceStartS: pair.startsS[i],
  }));
}

/** Two loads measured in alternating slices against one process (see measureInterleaved). */
interface InterleavedPair {
  slices: WrkResult[][];
  pooled: WrkResult[];
  cpu: CpuUse[];
  /** When each slice began, on `clock`. */
  startsS: number[][];
}

async function interleave(
  numbers: [number, number],
  loads: WrkLoad[],
  pid: number,
  databasePid: number | undefined,
  options: BenchOptions,
  clock: () => number,
  label = (number: number) => `row ${number} ${rowName(number, options)}`,
): Promise<InterleavedPair> {
  for (const [i, number] of numbers.entries()) {
    progress(`${label(number)}: ${options.warmupSeconds} s warm-up`);
    await runWrk(loads[i], options.warmupSeconds);
  }
  const { sliceSeconds, order } = interleaving(options);
  const both = numbers.map(label).join(' and ');
  progress(`${both}: a lead-in slice of each, not measured`);
  for (const load of loads) await runWrk(load, sliceSeconds);
  progress(`${both} interleaved: ${order.map((i) => numbers[i]).join(' ')}, ${sliceSeconds} s each`);
  const slices: WrkResult[][] = numbers.map(() => []);
  const startsS: number[][] = numbers.map(() => []);
  const cpu: CpuUse[] = numbers.map(() => ({ processMs: 0, databaseMs: databasePid === undefined ? undefined : 0, elsewhereMs: 0, capacityMs: 0 }));
  for (const i of order) {
    const window = cpuWindow(pid, databasePid);
    startsS[i].push(clock());
    slices[i].push(await runWrk(loads[i], sliceSeconds));
    cpu[i] = addedCpuUse(cpu[i], window.end());
  }
  return { slices, pooled: slices.map((runs) => pooledWrkResults(runs)), cpu, startsS };
}

/**
 * Rows 7 and 8's loads, interleaved the same way, against the org-answer floor (node:http handing
 * each org the bytes the service answered it, from a Map): how much a p99 with 10,000 orgs differs
 * from one with 10 on this machine, in this run, for a server that does nothing else.
 */
async function measureOrgAnswerFloor(fixture: Fixture, options: BenchOptions): Promise<InterleavedPair> {
  const port = await freePort();
  const floor = new NodeProcess('dist/bench/floors/org-answer-server.js', [String(port), fixture.files.answersByOrg], {});
  try {
    await floor.waitForLine(/^ready/);
    const loads = INTERLEAVED_ROWS.map((number) => ({ ...randomOrgLoad(number, fixture, options), url: `http://127.0.0.1:${port}${LIST_2FA}` }));
    const started = Date.now();
    return await interleave(INTERLEAVED_ROWS, loads, floor.pid, undefined, options, () => (Date.now() - started) / 1000, (number) => `org-answer floor, row ${number}'s load`);
  } finally {
    await floor.stop();
  }
}

async function measureService(number: number, load: WrkLoad, fixture: Fixture, options: BenchOptions, warmup: WrkLoad = load): Promise<RowResult> {
  let measuredFromS = 0;
  let window: CpuWindow | undefined;
  const result = await warmUpAndMeasure(number, options, load, warmup, () => {
    measuredFromS = fixture.service.secondsSinceLaunch();
    window = cpuWindow(fixture.service.pid, fixture.databasePid);
  });
  return { ...rowOf(number, options, result, fixture.service.memory().rssMiB), measuredFromS, ...cpuPerRequest((window as CpuWindow).end(), result.requests) };
}

/** A floor answering the service's bytes in its own process, driven exactly like row 3. */
async function measureHttpFloor(number: number, script: string, serviceLoad: WrkLoad, fixture: Fixture, options: BenchOptions): Promise<RowResult> {
  const port = await freePort();
  const floor = new NodeProcess(script, [String(port), fixture.cannedFile], {});
  try {
    await floor.waitForLine(/^ready/);
    const load = { ...serviceLoad, url: `http://127.0.0.1:${port}${LIST_2FA}` };
    await expectCannedAnswer(load, fixture.cannedFile, rowName(number, options));
    let window: CpuWindow | undefined;
    const result = await warmUpAndMeasure(number, options, load, load, () => (window = cpuWindow(floor.pid, undefined)));
    const { databaseCpuUsPerRequest: _none, ...cpu } = cpuPerRequest((window as CpuWindow).end(), result.requests);
    return { ...rowOf(number, options, result, fixture.service.memory().rssMiB), floorRssMiB: memoryOf(floor.pid).rssMiB, ...cpu, wrk: result };
  } finally {
    await floor.stop();
  }
}

/**
 * Row 1 measured again once the other rows ran: how much the machine itself changed over the
 * table. Row 1 then becomes both measurements pooled (requests over seconds, the p99 of the merged
 * latency histograms), and every ratio to it uses that: a floor taken at one end of the table
 * would make every ratio depend on whether that moment happened to be fast or slow.
 */
async function floorDrift(rows: RowResult[], fixture: Fixture, options: BenchOptions): Promise<string[]> {
  const at = rows.findIndex((row) => row.number === BARE_HTTP_ROW);
  const first = rows[at];
  if (!first?.wrk || !rows.some((row) => row.number > 2 && row.number < 9)) return [];
  const again = await measureRow(BARE_HTTP_ROW, fixture, options);
  const change = (now: number, before: number) => `${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(0)}%`;
  const pooled = pooledWrkResults([first.wrk, again.wrk as WrkResult]);
  const { databaseCpuUsPerRequest: _none, ...cpu } = cpuPerRequest(addedCpuUse(first.cpuUse as CpuUse, again.cpuUse as CpuUse), pooled.requests);
  rows[at] = {
    ...rowOf(BARE_HTTP_ROW, options, pooled, first.serviceRssMiB),
    floorRssMiB: Math.max(first.floorRssMiB ?? 0, again.floorRssMiB ?? 0),
    ...cpu,
  };
  return [
    `row 1 at the start: ${first.rate.toFixed(0)} req/s, p99 ${first.p99Ms.toFixed(2)} ms; again after the other rows: ${again.rate.toFixed(0)} req/s (${change(again.rate, first.rate)}), ` +
      `p99 ${again.p99Ms.toFixed(2)} ms (${change(again.p99Ms, first.p99Ms)}), how far the machine drifted meanwhile. The table's row 1, and every ratio to it, pools both measurements.`,
  ];
}

/** wrk for the warm-up, then wrk again for the measured seconds (a fresh run: its figures only). */
async function warmUpAndMeasure(number: number, options: BenchOptions, load: WrkLoad, warmup = load, onMeasuring?: () => void): Promise<WrkResult> {
  announce(number, options);
  await runWrk(warmup, options.warmupSeconds);
  onMeasuring?.();
  return runWrk(load, options.seconds);
}

function announce(number: number, options: BenchOptions): void {
  progress(`row ${number} ${rowName(number, options)}: ${options.warmupSeconds} s warm-up, ${options.seconds} s measured`);
}

interface FloorResult {
  transactions: number;
  cpuUsPerTransaction: number;
  serverCpuUsPerTransaction?: number;
  seconds: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  rssMiB: number;
  settings: Record<string, unknown>;
}

/** The raw driver doing the core of a write, as many at once as wrk has connections. */
async function measureRawWriteFloor(number: number, fixture: Fixture, options: BenchOptions): Promise<RowResult> {
  const target =
    fixture.kind === 'mysql'
      ? ['--kind', 'mysql', '--database', fixture.databaseUrl as string]
      : ['--kind', 'sqlite', '--database', join(fixture.dataDir, SQLITE_FILE_NAME), '--synchronous', String(fixture.durability?.synchronous)];
  const serverPid = fixture.databasePid === undefined ? [] : ['--server-pid', String(fixture.databasePid)];
  const args = [...target, ...serverPid, '--seconds', String(options.seconds), '--warmup', String(options.warmupSeconds), '--concurrency', String(WRK_CONNECTIONS)];
  announce(number, options);
  const floor = new NodeProcess('dist/bench/floors/raw-write-floor.js', args, {});
  const line = await floor.waitForLine(/^FLOOR_RESULT /, (options.warmupSeconds + options.seconds + 120) * 1000);
  await floor.stop();
  const result = JSON.parse(line.slice('FLOOR_RESULT '.length)) as FloorResult;
  fixture.floorSettings = result.settings;
  return {
    ...measured(number, options, result),
    non2xx: 0,
    socketErrors: 0,
    serviceRssMiB: fixture.service.memory().rssMiB,
    floorRssMiB: result.rssMiB,
    cpuUsPerRequest: result.cpuUsPerTransaction,
    databaseCpuUsPerRequest: result.serverCpuUsPerTransaction,
  };
}

/** What every row shows: its number and name, the rate and the latency percentiles. */
function measured(number: number, options: BenchOptions, result: { rate: number; p50Ms: number; p99Ms: number }) {
  return { number, name: rowName(number, options), rate: result.rate, p50Ms: result.p50Ms, p99Ms: result.p99Ms };
}

function rowOf(number: number, options: BenchOptions, result: WrkResult, serviceRssMiB: number): RowResult {
  const socket = result.socketErrors;
  const socketErrors = socket.connect + socket.read + socket.write + socket.timeout;
  const tallied400 = Object.entries(result.statuses)
    .filter(([status]) => Number(status) >= 400)
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    ...measured(number, options, result),
    maxMs: result.maxMs,
    statuses: result.statuses,
    non2xx: result.non2xx,
    socketErrors,
    socketErrorText: `connect ${socket.connect}, read ${socket.read}, write ${socket.write}, timeout ${socket.timeout}`,
    tallyMismatch: tallied400 === result.wrkStatusErrors ? undefined : `wrk counted ${result.wrkStatusErrors} answers >= 400, the script ${tallied400}`,
    serviceRssMiB,
  };
}

/** Whether the server a URL names runs on this machine (so its process can be watched). */
function isLocalServer(url: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
}

function readHeaders(token: string, org?: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...(org ? { 'x-zitadel-orgid': org } : {}), 'content-type': 'application/json' };
}

async function answerOf(url: string, headers: Record<string, string>): Promise<Omit<CannedResponse, 'path'>> {
  const response = await fetch(url, { method: 'POST', headers, body: '{}' });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** A floor is only a floor if it answers the very bytes the service answered. */
async function expectCannedAnswer(load: WrkLoad, cannedFile: string, name: string): Promise<void> {
  const expected = readCannedResponse(cannedFile);
  const actual = await answerOf(load.url, load.headers);
  if (actual.status !== expected.status || actual.contentType !== expected.contentType || actual.body !== expected.body) {
    throw new Error(`${name} answers ${JSON.stringify(actual)}, the service ${JSON.stringify(expected)}`);
  }
}

function setupLine(population: OrgPopulation): string {
  const count = population.all.length;
  return (
    `setup: ${count.toLocaleString('en-US')} orgs (${population.custom.length.toLocaleString('en-US')} with a custom policy) created through the API ` +
    `in ${population.setupSeconds.toFixed(1)} s (${(count / population.setupSeconds).toFixed(0)} orgs/s, ${SETUP_CONCURRENCY} requests in flight)`
  );
}

function rowNotes(fixture: Fixture, options: BenchOptions): string[] {
  const notes = [
    'rows 1-8: rate and p99 compared with row 1 (bare node:http); rows 9-10: with row 10 (raw driver write floor, tx/s, latency per transaction measured in-process).',
    'RSS: the service process (VmRSS) after the row; floor rows add the floor process in parentheses.',
    'CPU µs/req: CPU time (user + system) of the measured process over the measured seconds, per request (row 10: per transaction); less sensitive to a busy machine than req/s.',
    'elsewhere %: CPU the machine spent on anything but the measured process, the database server, wrk and the bench (another job, or the host taking it: steal), in % of all it had over the measured seconds; a row with more than a few % was disturbed.',
  ];
  if (fixture.databasePid !== undefined) notes.push(`DB µs/req: CPU time of the MariaDB server (pid ${fixture.databasePid}, on this machine) over the same seconds, per request or transaction.`);
  if (INTERLEAVED_ROWS.every((number) => options.rows.includes(number))) {
    const { sliceSeconds, slicesPerRow, order } = interleaving(options);
    const pattern = order.map((i) => 'AB'[i]).join(' ');
    notes.push(
      `rows ${INTERLEAVED_ROWS.join(' and ')} ran interleaved (${slicesPerRow} slices of ${sliceSeconds} s each, ${pattern}, after a warm-up and an unmeasured lead-in slice of each), so the machine's drift moves both alike; ` +
        'each pools its slices: requests over seconds, p50/p99 from the merged latency histograms. Every org was read once after the setup (see readEveryOrgOnce).',
    );
  }
  if (options.rows.includes(9)) {
    const note = `write cycle: ${WRK_THREADS} threads × ${fixture.writeBlock} orgs each (separate blocks for warm-up and measurement), add OTP_SMS on even passes, remove on odd ones`;
    notes.push(fixture.writeBlock < WRITE_BLOCK_WANTED ? `${note}; !! fewer than ${WRITE_BLOCK_WANTED} orgs per block (raise --orgs)` : `${note}.`);
  }
  if (fixture.floorSettings) {
    const shape = fixture.kind === 'sqlite' ? 'one connection, one transaction after the other (better-sqlite3 is synchronous)' : `${WRK_CONNECTIONS} transactions in flight`;
    notes.push(`raw driver floor: ${shape}; settings read back ${JSON.stringify(fixture.floorSettings)}.`);
  }
  return notes;
}

/**
 * The p99 of each slice of the interleaved rows: a slice in which V8 ran a full collection stands
 * out (several times the others' p99), and one such slice more in one row than in the other moves
 * that row's pooled p99. With service node args (a --trace-gc, say), each p99 is followed by when
 * its slice began, in seconds since the service's launch, to line up with the service's output.
 */
function sliceNotes(rows: RowResult[], options: BenchOptions): string[] {
  const sliced = rows.filter((row) => row.sliceP99Ms !== undefined);
  if (sliced.length === 0) return [];
  const timed = options.serviceNodeArgs.length > 0;
  const slice = (row: RowResult, p99: number, i: number) => p99.toFixed(1) + (timed && row.sliceStartS ? `@${row.sliceStartS[i].toFixed(1)}s` : '');
  const listed = sliced.map((row) => `row ${row.number}: ${(row.sliceP99Ms as number[]).map((p99, i) => slice(row, p99, i)).join(' ')}`);
  const notes = [`p99 (ms) of each slice, in the order each row ran them: ${listed.join('; ')}.`];
  if (sliced.length === 2) {
    // the median slice has no full collection in it: the typical p99, apart from where the collections fell
    const [a, b] = sliced.map((row) => median(row.sliceP99Ms as number[]));
    notes.push(`median slice p99: row ${sliced[0].number} ${a.toFixed(2)} ms, row ${sliced[1].number} ${b.toFixed(2)} ms (${(b / a).toFixed(2)}×; the pooled p99s compare ${(sliced[1].p99Ms / sliced[0].p99Ms).toFixed(2)}×).`);
    const paired = pairedRatio(sliced[0].sliceP99Ms as number[], sliced[1].sliceP99Ms as number[]);
    if (paired) {
      notes.push(`paired slices (each slice of row ${sliced[1].number} over its neighbour of row ${sliced[0].number}, geometric mean): p99 ${describePairedRatio(paired)} (--slices N for more).`);
    }
  }
  return notes;
}

/** Rows 7 and 8's loads against the org-answer floor: its rates, p99s and the same comparisons as the service's. */
function orgAnswerFloorNotes(fixture: Fixture, options: BenchOptions): string[] {
  const floor = fixture.orgAnswerFloor;
  if (floor === undefined) return [];
  const [a, b] = floor.pooled;
  const each = floor.pooled.map(
    (run, i) => `${rowName(INTERLEAVED_ROWS[i], options)}'s load ${run.rate.toFixed(0)} req/s, p99 ${run.p99Ms.toFixed(2)} ms, ${((floor.cpu[i].processMs * 1000) / run.requests).toFixed(1)} µs CPU/req`,
  );
  const [sliceA, sliceB] = floor.slices.map((runs) => runs.map((run) => run.p99Ms));
  const paired = pairedRatio(sliceA, sliceB);
  return [
    `org-answer floor (node:http answering each org the bytes the service answered it, from a Map; no auth, no database), rows 7 and 8's loads interleaved the same way: ` +
      `${each.join('; ')}; ` +
      `pooled p99 ${(b.p99Ms / a.p99Ms).toFixed(2)}×, median slice ${(median(sliceB) / median(sliceA)).toFixed(2)}×` +
      (paired ? `, paired slices ${describePairedRatio(paired)}` : '') +
      (a.non2xx + b.non2xx > 0 ? `; !! ${a.non2xx + b.non2xx} answers were not 2xx` : '') +
      '.',
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** With profiling node args, where each service row's measured window lies on the profile's clock. */
function profileWindows(rows: RowResult[], options: BenchOptions): string[] {
  if (options.serviceNodeArgs.length === 0) return [];
  const windows = rows
    .filter((row) => row.measuredFromS !== undefined)
    .map((row) => `row ${row.number} ${(row.measuredFromS as number).toFixed(1)}-${(row.measuredToS ?? (row.measuredFromS as number) + options.seconds).toFixed(1)} s`);
  return windows.length ? [`measured windows in seconds since the service's launch (for profile-summary --skip-seconds): ${windows.join(', ')}`] : [];
}
