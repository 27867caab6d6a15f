import { BARE_HTTP_ROW, RAW_WRITE_FLOOR_ROW } from './rows.js';
import { RowResult, TableResult } from './results.js';

/** Rows compared with the raw driver floor; every other row is compared with bare node:http. */
const WRITE_ROWS = [9, RAW_WRITE_FLOOR_ROW];

const COLUMNS = ['#', 'workload', 'req/s', 'p50 ms', 'p99 ms', 'rate ÷ floor', 'p99 ÷ floor', 'CPU µs/req', 'DB µs/req', 'elsewhere %', 'errors (non-2xx)', 'RSS MiB after'];
const RIGHT_ALIGNED = new Set([0, 2, 3, 4, 5, 6, 7, 8, 9, 11]);

export function formatTable(table: TableResult): string {
  const floorOf = (row: RowResult) => table.rows.find((candidate) => candidate.number === (WRITE_ROWS.includes(row.number) ? RAW_WRITE_FLOOR_ROW : BARE_HTTP_ROW));
  const cells = table.rows.map((row) => {
    const floor = floorOf(row);
    return [
      String(row.number),
      row.number === RAW_WRITE_FLOOR_ROW ? `${row.name} (tx/s)` : row.name,
      row.rate.toFixed(0),
      row.p50Ms.toFixed(2),
      row.p99Ms.toFixed(2),
      floor ? (row.rate / floor.rate).toFixed(3) : '—',
      floor ? `${(row.p99Ms / floor.p99Ms).toFixed(1)}×` : '—',
      row.cpuUsPerRequest === undefined ? '—' : row.cpuUsPerRequest.toFixed(1),
      row.databaseCpuUsPerRequest === undefined ? '—' : row.databaseCpuUsPerRequest.toFixed(0),
      row.elsewherePercent === undefined ? '—' : row.elsewherePercent.toFixed(1),
      errorsCell(row),
      row.floorRssMiB === undefined ? row.serviceRssMiB.toFixed(0) : `${row.serviceRssMiB.toFixed(0)} (floor ${row.floorRssMiB.toFixed(0)})`,
    ];
  });
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column].length)));
  const line = (values: string[]) =>
    values.map((value, column) => (RIGHT_ALIGNED.has(column) ? value.padStart(widths[column]) : value.padEnd(widths[column]))).join('  ').trimEnd();
  return [
    table.title,
    ...table.lines,
    '',
    line(COLUMNS),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
    '',
    ...table.notes,
  ].join('\n');
}

function errorsCell(row: RowResult): string {
  const parts: string[] = [];
  if (row.non2xx > 0) {
    const failing = Object.entries(row.statuses ?? {}).filter(([status]) => !status.startsWith('2'));
    parts.push(`${row.non2xx} NON-2XX (${failing.map(([status, count]) => `${status}×${count}`).join(', ')})`);
  } else {
    parts.push('0');
  }
  if (row.socketErrors > 0) parts.push(`+ socket ${row.socketErrorText}`);
  return parts.join(' ');
}

/** Lines under the table for rows that did not answer 2xx throughout. */
export function errorNotes(rows: RowResult[]): string[] {
  const notes: string[] = [];
  for (const row of rows) {
    if (row.non2xx > 0) {
      notes.push(`!! row ${row.number} (${row.name}): ${row.non2xx} answers were not 2xx; its req/s counts them (slowest request ${row.maxMs?.toFixed(0)} ms).`);
    }
    if (row.socketErrors > 0) notes.push(`!! row ${row.number} (${row.name}): socket errors ${row.socketErrorText}.`);
    if (row.tallyMismatch) notes.push(`!! row ${row.number} (${row.name}): ${row.tallyMismatch}.`);
  }
  return notes;
}
