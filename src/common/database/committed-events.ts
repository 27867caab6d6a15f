import { NumberedWrite } from './numbered-writes.js';
import { SqlParam, SqlRow } from './sql.js';
import { UnitWrites } from './sql-transaction.js';

/** The columns that tell an event apart: its unique key, and what it says, who said it and when. */
const KEY = ['instance_id', 'aggregate_type', 'aggregate_id', 'sequence'] as const;
const CONTENT = ['event_type', 'payload', 'creator', 'created_at'] as const;
const COLUMNS = [...KEY, ...CONTENT];

/** `SELECT … FROM events WHERE (key) IN ((?, ?, ?, ?), …)` for `count` events, one text per count. */
const checkTexts = new Map<number, string>();
function checkSql(count: number): string {
  let text = checkTexts.get(count);
  if (text === undefined) {
    const tuple = `(${KEY.map(() => '?').join(', ')})`;
    text = `SELECT ${COLUMNS.join(', ')} FROM events WHERE (${KEY.join(', ')}) IN (${Array.from({ length: count }, () => tuple).join(', ')})`;
    checkTexts.set(count, text);
  }
  return text;
}

/** The event rows the units' numbered writes insert, by column (the number, an event's position, is not among them). */
export function eventRowsOf(units: readonly UnitWrites[]): Record<string, SqlParam>[] {
  return units.flatMap((unit) => unit.numbered.flatMap(eventInserts));
}

function eventInserts(write: NumberedWrite): Record<string, SqlParam>[] {
  return write.inserts.flatMap(({ into, rows }) => {
    const match = /^events \(([^)]*)\)$/.exec(into);
    if (!match) return [];
    // `into` names the number's column first; a row holds the values after it
    const columns = match[1].split(',').map((column) => column.trim()).slice(1);
    return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]])));
  });
}

/**
 * Whether units whose commit went out in one transaction on a connection that then died did
 * commit: their events are stored with the same key and the same content (a row under the same
 * key with another content is another writer's, so theirs did not commit). `read` must be causal
 * on Galera, so it sees every commit the cluster made before it. Throws when the answer is
 * neither all nor none of the events (which one transaction cannot leave), and answers false for
 * units without events (nothing to tell by).
 */
export async function committedEvents(units: readonly UnitWrites[], read: (sql: string, params: readonly SqlParam[]) => Promise<SqlRow[]>): Promise<boolean> {
  const expected = eventRowsOf(units);
  if (expected.length === 0) return false;
  const stored = await read(
    checkSql(expected.length),
    expected.flatMap((event) => KEY.map((column) => event[column])),
  );
  const found = expected.filter((event) => stored.some((row) => COLUMNS.every((column) => String(row[column]) === String(event[column]))));
  if (found.length === expected.length) return true;
  if (found.length === 0) return false;
  throw new Error(`${found.length} of ${expected.length} events of one transaction are stored`);
}
