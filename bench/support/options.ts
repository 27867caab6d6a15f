import { parseArgs } from 'node:util';
import { ROWS, rowNumberOf } from './rows.js';

export type DatabaseKind = 'sqlite' | 'mysql';

export interface BenchOptions {
  /** Unset: both when the MySQL server answers, else SQLite only. */
  db?: DatabaseKind | 'both';
  mysqlUrl: string;
  seconds: number;
  warmupSeconds: number;
  orgs: number;
  /** Row numbers to run (all when --only is not given). */
  rows: number[];
  serviceNodeArgs: string[];
  /** Where the service's stdout and stderr go (one file per table, `<path>.<database>`); unset: kept only for error messages. */
  serviceOutput?: string;
  /** Row 8 reads the same 10 orgs as row 7: how far two equal loads differ in rows 7 and 8's interleaving. */
  control: boolean;
  /** Slices per row in rows 7 and 8's interleaving (unset: three times `seconds` in slices). */
  slices?: number;
}

export const USAGE = `npm run bench -- [options]
  --db sqlite|mysql|both     default: both when the MySQL server answers, else sqlite
  --mysql-url URL            default: $BENCH_DATABASE_URL or mysql://root@127.0.0.1:3306/test
                             (a fresh database lpf_bench_<random> is created beside it and dropped)
  --seconds N                measured seconds per row (default 10)
  --warmup N                 warm-up seconds per row (default 3)
  --orgs N                   orgs created for the random-org and write rows (default 10000)
  --only ROW[,ROW…]          run only these rows (numbers or names; repeatable)
  --service-node-args "..."  node options for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/x"
  --service-output PATH      write the service's output (e.g. with --service-node-args --trace-gc) to PATH.sqlite / PATH.mysql
  --slices N                 slices of 2 s per row in rows 7 and 8's interleaving (default: 3 × --seconds ÷ 2;
                             more pairs narrow the confidence interval of their p99 ratio)
  --control                  row 8 reads the same 10 orgs as row 7 (an A/A control: the ratio of two equal loads
                             shows how finely this run can compare rows 7 and 8)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: joinNodeArgs(argv),
    options: {
      db: { type: 'string' },
      'mysql-url': { type: 'string' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      orgs: { type: 'string', default: '10000' },
      only: { type: 'string', multiple: true },
      'service-node-args': { type: 'string', default: '' },
      'service-output': { type: 'string' },
      control: { type: 'boolean', default: false },
      slices: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.db !== undefined && !['sqlite', 'mysql', 'both'].includes(values.db)) throw new Error(`--db must be sqlite, mysql or both\n${USAGE}`);
  return {
    db: values.db as BenchOptions['db'],
    mysqlUrl: values['mysql-url'] ?? process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test',
    seconds: positive(values.seconds, '--seconds'),
    warmupSeconds: positive(values.warmup, '--warmup'),
    orgs: positive(values.orgs, '--orgs'),
    rows: values.only ? [...new Set(values.only.flatMap((spec) => spec.split(',')).map(rowNumberOf))].sort((a, b) => a - b) : ROWS.map((row) => row.number),
    serviceNodeArgs: values['service-node-args'].split(/\s+/).filter(Boolean),
    serviceOutput: values['service-output'],
    control: values.control,
    slices: values.slices === undefined ? undefined : atLeast(2, values.slices, '--slices'),
  };
}

/**
 * `--service-node-args "--cpu-prof …"`: parseArgs refuses a separate value that starts with a dash
 * (it looks like an option), so the pair becomes `--service-node-args=--cpu-prof …`.
 */
function joinNodeArgs(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--service-node-args' && i + 1 < argv.length) joined.push(`--service-node-args=${argv[++i]}`);
    else joined.push(argv[i]);
  }
  return joined;
}

function positive(text: string, name: string): number {
  return atLeast(1, text, name);
}

function atLeast(least: number, text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) throw new Error(`${name} must be a whole number of at least ${least}, not ${text}`);
  return value;
}
