// Load benchmark of the service against floors, one table per database (SQLite, then MariaDB).
//
//   npm run bench -- [--db sqlite|mysql|both] [--seconds 10] [--only 3] [--control] [--service-node-args "--cpu-prof --cpu-prof-dir=/tmp/x"]
//
// The load comes from wrk, an external process; the service, the HTTP floors and the raw driver
// floor each run in their own process. Progress goes to stderr, the tables to stdout. Prints
// figures; it is not a test (bench/ is outside `npm test`).
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureDatabase, progress } from './measure-database.js';
import { machineContext } from './support/machine.js';
import { mysqlServerInfo } from './support/mysql-database.js';
import { BenchOptions, DatabaseKind, parseOptions } from './support/options.js';
import { PROJECT_ROOT } from './support/processes.js';
import { formatTable } from './support/table.js';
import { wrkVersion } from './support/wrk.js';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const mysql = options.db === 'sqlite' ? undefined : await mysqlServerInfo(options.mysqlUrl);
  const kinds = databasesToRun(options, mysql !== undefined);
  console.log(machineContext(await wrkVersion()).join('\n'));
  if (!mysql && options.db === undefined) console.log(`MariaDB: no server at ${redacted(options.mysqlUrl)}, SQLite only`);
  for (const kind of kinds) {
    const table = await measureDatabase(kind, options);
    table.title = kind === 'sqlite' ? sqliteTitle() : `=== ${mysql?.version.includes('MariaDB') ? 'MariaDB' : 'MySQL'} ${mysql?.version} (mysql2 ${packageVersion('mysql2')}); ${mysql?.settings} ===`;
    console.log(`\n${formatTable(table)}`);
  }
  reportProfiles(options.serviceNodeArgs);
}

function databasesToRun(options: BenchOptions, mysqlAvailable: boolean): DatabaseKind[] {
  const wanted: DatabaseKind[] = options.db === 'sqlite' ? ['sqlite'] : options.db === 'mysql' ? ['mysql'] : ['sqlite', 'mysql'];
  if (mysqlAvailable) return wanted;
  if (options.db === undefined) return ['sqlite'];
  if (wanted.includes('mysql')) throw new Error(`no MySQL/MariaDB server answers at ${redacted(options.mysqlUrl)} (--mysql-url or BENCH_DATABASE_URL)`);
  return wanted;
}

function sqliteTitle(): string {
  const memory = new Database(':memory:');
  const version = memory.prepare('SELECT sqlite_version()').pluck().get() as string;
  memory.close();
  return `=== SQLite ${version} (better-sqlite3 ${packageVersion('better-sqlite3')}), embedded in the service's process ===`;
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** With --cpu-prof-dir, says where the service's profiles went (they are written when it stops). */
function reportProfiles(nodeArgs: string[]): void {
  const dir = nodeArgs.find((arg) => arg.startsWith('--cpu-prof-dir='))?.slice('--cpu-prof-dir='.length);
  if (!dir) return;
  const profiles = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  console.log(`\nservice CPU profiles in ${dir}: ${profiles.join(', ') || 'none'} (summary: node dist/bench/profile-summary.js <file>)`);
}

main().catch((error: unknown) => {
  // a wrong option is the caller's to fix: its message is enough; anything else shows where it failed
  const usage = error instanceof Error && /^--/.test(error.message);
  progress(`failed: ${error instanceof Error ? (usage ? error.message : (error.stack ?? error.message)) : String(error)}`);
  process.exitCode = 1;
});
