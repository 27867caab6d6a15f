// The floor for writes: the core of one factor change done with the raw driver, as fast as it goes,
//   BEGIN; INSERT one event row; upsert one projection row; COMMIT
// on tables of its own (floor_events, floor_login_policy_factors) created in the service's own
// database from the service's own table definitions, so column types and indexes are the same.
//
//   node dist/bench/floors/raw-write-floor.js --kind mysql  --database mysql://…/lpf_bench_x [--server-pid N] --seconds 10 --warmup 3 --concurrency 32
//   node dist/bench/floors/raw-write-floor.js --kind sqlite --database /tmp/…/x.sqlite --synchronous 1 --seconds 10 --warmup 3
//
// MariaDB: mysql2/promise, a pool of `concurrency` connections and as many transactions in flight.
// SQLite: better-sqlite3 (synchronous), one connection, one transaction after the other, opened as
// TypeORM's driver opens it for the service (foreign_keys=ON, journal_mode=WAL) plus the synchronous
// level the harness read from a connection opened with the service's options.
// Prints one line: FLOOR_RESULT {"transactions", "seconds", "rate", "p50Ms", "p99Ms", "cpuUsPerTransaction", "serverCpuUsPerTransaction", "rssMiB", "settings"}.
import Database from 'better-sqlite3';
import { createPool, Pool } from 'mysql2/promise';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cpuMsOf } from '../support/processes.js';

const { values: options } = parseArgs({
  options: {
    kind: { type: 'string' },
    database: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    synchronous: { type: 'string' },
    'server-pid': { type: 'string' },
  },
});

const TABLES = ['events', 'login_policy_factors'];
const EVENT_TYPE = 'org.policy.login.secondfactor.added';
const PAYLOAD = JSON.stringify({ mfaType: 4 });

/** One aggregate per concurrent writer, so writers never collide on the sequence key. */
interface Writer {
  aggregateId: string;
  sequence: number;
}

interface Timing {
  transactions: number;
  seconds: number;
  latenciesMs: number[];
  /** CPU time this process used meanwhile (user + system), in ms. */
  cpuMs: number;
  /** CPU time the database server (--server-pid) used meanwhile, in ms. */
  serverCpuMs?: number;
}

/** An 18-digit id, shaped like the service's ids. */
const snowflake = () => `${randomInt(1e8, 1e9)}${randomInt(1e8, 1e9)}`;
const instanceId = snowflake();

function writers(count: number): Writer[] {
  return Array.from({ length: count }, () => ({ aggregateId: snowflake(), sequence: 0 }));
}

async function mysqlFloor(url: string, concurrency: number, warmup: number, seconds: number): Promise<{ timing: Timing; settings: Record<string, unknown> }> {
  const pool = createPool({ uri: url, connectionLimit: concurrency, timezone: 'Z', charset: 'utf8mb4_bin' });
  try {
    for (const table of TABLES) await pool.query(`CREATE TABLE floor_${table} LIKE ${table}`);
    // the floor takes its positions from auto increment, as the event table did before positions came from a counter at commit
    await pool.query('ALTER TABLE floor_events MODIFY position BIGINT UNSIGNED NOT NULL AUTO_INCREMENT');
    const all = writers(concurrency);
    await runConcurrently(pool, all, warmup);
    const timing = await runConcurrently(pool, all, seconds);
    const [rows] = await pool.query('SELECT @@innodb_flush_log_at_trx_commit AS flushLogAtTrxCommit, @@sync_binlog AS syncBinlog, @@log_bin AS logBin');
    return { timing, settings: { poolSize: concurrency, ...(rows as Record<string, unknown>[])[0] } };
  } finally {
    await pool.end();
  }
}

async function runConcurrently(pool: Pool, all: Writer[], seconds: number): Promise<Timing> {
  const latenciesMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  const serverCpuBefore = serverCpuMs();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    all.map(async (writer) => {
      while (performance.now() < deadline) {
        const begun = performance.now();
        await mysqlTransaction(pool, writer);
        latenciesMs.push(performance.now() - begun);
      }
    }),
  );
  const serverCpuAfter = serverCpuMs();
  const serverCpu = serverCpuAfter === undefined ? undefined : serverCpuAfter - (serverCpuBefore as number);
  return { transactions: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs, cpuMs: cpuMsSince(cpuBefore), serverCpuMs: serverCpu };
}

/** The database server's CPU time so far (--server-pid), or undefined when not given. */
function serverCpuMs(): number | undefined {
  return options['server-pid'] === undefined ? undefined : cpuMsOf(Number(options['server-pid']));
}

async function mysqlTransaction(pool: Pool, writer: Writer): Promise<void> {
  writer.sequence += 1;
  const createdAt = new Date();
  // a pooled connection per transaction, as TypeORM takes one for each
  const connection = await pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    await connection.query(
      'INSERT INTO floor_events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [instanceId, 'org', writer.aggregateId, writer.sequence, EVENT_TYPE, PAYLOAD, 'bench', writer.aggregateId, createdAt],
    );
    await connection.query(
      'INSERT INTO floor_login_policy_factors (instance_id, owner_id, kind, factor_type, sequence) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE sequence = VALUES(sequence)',
      [instanceId, writer.aggregateId, 'second', 4, writer.sequence],
    );
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK');
    throw error;
  } finally {
    connection.release();
  }
}

function sqliteFloor(file: string, synchronous: string, concurrency: number, warmup: number, seconds: number): { timing: Timing; settings: Record<string, unknown> } {
  const db = new Database(file, { timeout: 10_000 });
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${Number(synchronous)}`);
    const definitions = db
      .prepare(`SELECT sql FROM sqlite_master WHERE tbl_name IN (${TABLES.map(() => '?').join(', ')}) AND sql IS NOT NULL`)
      .pluck()
      .all(...TABLES) as string[];
    for (const sql of definitions) db.exec(floorDefinition(sql));
    const begin = db.prepare('BEGIN');
    const commit = db.prepare('COMMIT');
    const insertEvent = db.prepare(
      'INSERT INTO floor_events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const upsertFactor = db.prepare(
      'INSERT INTO floor_login_policy_factors (instance_id, owner_id, kind, factor_type, sequence) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (instance_id, owner_id, kind, factor_type) DO UPDATE SET sequence = excluded.sequence',
    );
    const transaction = (writer: Writer) => {
      writer.sequence += 1;
      // TypeORM stores datetime(3) columns on SQLite as 'YYYY-MM-DD HH:MM:SS.mmm' (UTC)
      const createdAt = new Date().toISOString().replace('T', ' ').replace('Z', '');
      begin.run();
      try {
        insertEvent.run(instanceId, 'org', writer.aggregateId, writer.sequence, EVENT_TYPE, PAYLOAD, 'bench', writer.aggregateId, createdAt);
        upsertFactor.run(instanceId, writer.aggregateId, 'second', 4, writer.sequence);
        commit.run();
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    };
    const all = writers(concurrency);
    runSequentially(all, warmup, transaction);
    const timing = runSequentially(all, seconds, transaction);
    const settings = {
      journalMode: db.pragma('journal_mode', { simple: true }),
      synchronous: db.pragma('synchronous', { simple: true }),
      sqliteVersion: db.prepare('SELECT sqlite_version()').pluck().get(),
    };
    return { timing, settings };
  } finally {
    db.close();
  }
}

/** The service's DDL with every table and index name prefixed `floor_`. */
function floorDefinition(sql: string): string {
  return sql.replace(/^(CREATE (?:UNIQUE )?(?:TABLE|INDEX) )"([^"]+)"/, '$1"floor_$2"').replace(/ ON "([^"]+)"/, ' ON "floor_$1"');
}

function runSequentially(all: Writer[], seconds: number, transaction: (writer: Writer) => void): Timing {
  const latenciesMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  // the writers take turns, so the rows touched are spread as with many concurrent writers
  for (let turn = 0; performance.now() < deadline; turn++) {
    const begun = performance.now();
    transaction(all[turn % all.length]);
    latenciesMs.push(performance.now() - begun);
  }
  return { transactions: latenciesMs.length, seconds: (performance.now() - started) / 1000, latenciesMs, cpuMs: cpuMsSince(cpuBefore) };
}

function cpuMsSince(before: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const seconds = Number(options.seconds);
  const warmup = Number(options.warmup);
  const concurrency = Number(options.concurrency);
  const database = required(options.database, '--database');
  const { timing, settings } =
    options.kind === 'mysql'
      ? await mysqlFloor(database, concurrency, warmup, seconds)
      : sqliteFloor(database, required(options.synchronous, '--synchronous'), concurrency, warmup, seconds);
  const sorted = timing.latenciesMs.sort((a, b) => a - b);
  const result = {
    transactions: timing.transactions,
    seconds: timing.seconds,
    rate: timing.transactions / timing.seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    cpuUsPerTransaction: (timing.cpuMs * 1000) / timing.transactions,
    serverCpuUsPerTransaction: timing.serverCpuMs === undefined ? undefined : (timing.serverCpuMs * 1000) / timing.transactions,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    settings,
  };
  console.log(`FLOOR_RESULT ${JSON.stringify(result)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
