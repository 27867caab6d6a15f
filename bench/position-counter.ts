// What taking event positions from a counter row at commit costs MariaDB, against storing events
// with no position at all, for single-event transactions many at a time and for batches few at a
// time (how the service commits: the units that arrive together in one transaction, at most four
// transactions in flight per process).
//
//   npm run build && node dist/bench/position-counter.js [mysql-url] [seconds=6]
//
// Each transaction is one multi-statement round trip, as the service sends it:
//   without:  START TRANSACTION; INSERT n events; COMMIT
//   counter:  START TRANSACTION; UPDATE event_positions SET last_position = LAST_INSERT_ID(last_position + n);
//             INSERT n events numbered back from LAST_INSERT_ID(); COMMIT
// on tables shaped like the service's, in a database of its own (created and dropped). MariaDB's
// CPU is read from /proc for the mariadbd process. Prints a table; it is not a test.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createPool, Pool } from 'mysql2/promise';

const url = process.argv[2] ?? process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';
const seconds = Number(process.argv[3] ?? 6);
const DATABASE = `lpf_counter_${process.pid}`;
const CASES = [
  { inFlight: 32, eventsPerTransaction: 1 },
  { inFlight: 4, eventsPerTransaction: 8 },
  { inFlight: 2, eventsPerTransaction: 16 },
];

const EVENTS_TABLE = `CREATE TABLE events (
  position BIGINT UNSIGNED NULL, instance_id VARCHAR(32) NOT NULL, aggregate_type VARCHAR(32) NOT NULL,
  aggregate_id VARCHAR(32) NOT NULL, sequence BIGINT UNSIGNED NOT NULL, event_type VARCHAR(128) NOT NULL,
  payload TEXT NOT NULL, creator VARCHAR(255) NOT NULL, resource_owner VARCHAR(32) NOT NULL, created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (instance_id, aggregate_type, aggregate_id, sequence), UNIQUE KEY uq_events_position (position),
  KEY ix_events_event_type (instance_id, event_type, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
const COUNTER_TABLE = 'CREATE TABLE event_positions (id TINYINT UNSIGNED NOT NULL, last_position BIGINT UNSIGNED NOT NULL, PRIMARY KEY (id)) ENGINE=InnoDB';

let nextAggregate = 0;

function transaction(withCounter: boolean, events: number): string {
  const rows = Array.from({ length: events }, (_, i) => {
    const id = String(100_000_000_000 + ++nextAggregate);
    const position = withCounter ? `LAST_INSERT_ID() - ${events - 1 - i}` : 'NULL';
    return `(${position}, '123456789012345678', 'org', '${id}', 1, 'org.policy.login.secondfactor.added', '{"mfaType":4}', 'bench', '${id}', NOW(3))`;
  });
  const insert = `INSERT INTO events (position, instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at) VALUES ${rows.join(', ')}`;
  const counter = withCounter ? `UPDATE event_positions SET last_position = LAST_INSERT_ID(last_position + ${events}) WHERE id = 1; ` : '';
  return `START TRANSACTION; ${counter}${insert}; COMMIT`;
}

/** CPU time of the mariadbd process in clock ticks (user + system). */
function mariadbTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function measure(pool: Pool, mariadbPid: number, withCounter: boolean, inFlight: number, events: number) {
  let stored = 0;
  const ticksBefore = mariadbTicks(mariadbPid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await pool.query(transaction(withCounter, events));
        stored += events;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  // clock ticks are 10 ms on Linux
  const cpuUs = ((mariadbTicks(mariadbPid) - ticksBefore) * 10_000) / stored;
  return { eventsPerSecond: stored / elapsed, cpuUsPerEvent: cpuUs };
}

async function main(): Promise<void> {
  const mariadbPid = Number(execFileSync('pgrep', ['-x', 'mariadbd']).toString().trim().split('\n')[0]);
  const admin = await createConnection({ uri: url, multipleStatements: true });
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  const pool = createPool({ uri: url.replace(/\/[^/]*$/, `/${DATABASE}`), multipleStatements: true, connectionLimit: 32 });
  try {
    await pool.query(`${EVENTS_TABLE}; ${COUNTER_TABLE}; INSERT INTO event_positions VALUES (1, 0)`);
    const lines = ['in flight  events/tx  without counter: events/s  MariaDB µs/event   with counter: events/s  MariaDB µs/event'];
    for (const { inFlight, eventsPerTransaction } of CASES) {
      const without = await measure(pool, mariadbPid, false, inFlight, eventsPerTransaction);
      const counter = await measure(pool, mariadbPid, true, inFlight, eventsPerTransaction);
      lines.push(
        `${String(inFlight).padStart(9)}  ${String(eventsPerTransaction).padStart(9)}  ${without.eventsPerSecond.toFixed(0).padStart(25)}  ${without.cpuUsPerEvent.toFixed(0).padStart(16)}` +
          `   ${counter.eventsPerSecond.toFixed(0).padStart(21)}  ${counter.cpuUsPerEvent.toFixed(0).padStart(16)}`,
      );
    }
    console.log(lines.join('\n'));
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE ${DATABASE}`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
