import type { BenchOptions } from './options.js';

/** The rows of every table, in the order they run. */
export const ROWS = [
  { number: 1, name: 'bare node:http' },
  { number: 2, name: 'NestJS+Fastify floor' },
  { number: 3, name: 'list 2FA, org with custom policy' },
  { number: 4, name: 'list 2FA, inheriting org' },
  { number: 5, name: 'GET login policy' },
  { number: 6, name: 'admin list 2FA' },
  { number: 7, name: 'random org of 10' },
  { number: 8, name: 'random org of 10,000' },
  { number: 9, name: 'write cycle add/remove' },
  { number: 10, name: 'raw driver write floor' },
] as const;

export const BARE_HTTP_ROW = 1;
export const RAW_WRITE_FLOOR_ROW = 10;
/** Rows that need the whole org population (the others need one custom and one inheriting org). */
export const POPULATION_ROWS = [7, 8, 9];

/** A row by number, by exact name, or by the start of exactly one name (case-insensitive). */
export function rowNumberOf(spec: string): number {
  const byNumber = ROWS.find((row) => String(row.number) === spec.trim());
  if (byNumber) return byNumber.number;
  const wanted = spec.trim().toLowerCase();
  const exact = ROWS.find((row) => row.name.toLowerCase() === wanted);
  if (exact) return exact.number;
  const matches = ROWS.filter((row) => row.name.toLowerCase().startsWith(wanted));
  if (matches.length === 1) return matches[0].number;
  throw new Error(`--only ${spec}: ${matches.length ? 'matches several rows' : 'no such row'}; rows are\n${ROWS.map((row) => `  ${row.number} ${row.name}`).join('\n')}`);
}

export function rowName(number: number, options: Pick<BenchOptions, 'orgs' | 'control'>): string {
  // the big random-org row names the population actually created, or says it is the control
  if (number === 8) return options.control ? 'random org of 10 (control)' : `random org of ${options.orgs.toLocaleString('en-US')}`;
  return ROWS.find((row) => row.number === number)?.name ?? `row ${number}`;
}
