import { NumberedWrite, mysqlNumberedStatements } from './numbered-writes.js';
import { SqlStatement } from './sql.js';
import { UnitWrites } from './sql-transaction.js';

// `INSERT INTO t (columns) VALUES (…), (…)` with an optional `ON DUPLICATE KEY UPDATE …` tail
const INSERT_VALUES = /^(INSERT INTO \S+ \([^()]*\) VALUES )(\([^()]*\)(?:, \([^()]*\))*)( ON DUPLICATE KEY UPDATE [^()]*(?:\([^()]*\)[^()]*)*)?$/;
// `DELETE FROM t WHERE condition`
const DELETE_WHERE = /^(DELETE FROM \S+ WHERE )(.+)$/s;
// what may follow a DELETE's condition and is not part of it: such a DELETE is not merged
const AFTER_CONDITION = /\b(ORDER\s+BY|LIMIT|RETURNING)\b/i;

interface Mergeable {
  /** Statements with the same key become one. */
  key: string;
  /** The part that differs from one statement of the key to the next: value tuples, or a condition. */
  part: string;
}

function mergeable(sql: string): Mergeable | undefined {
  const insert = INSERT_VALUES.exec(sql);
  // a tail with its own parameters would need them once per statement: not merged
  if (insert) return insert[3]?.includes('?') ? undefined : { key: `${insert[1]}\u0000${insert[3] ?? ''}`, part: insert[2] };
  const remove = DELETE_WHERE.exec(sql);
  if (remove && !AFTER_CONDITION.test(remove[2])) return { key: remove[1], part: remove[2] };
  return undefined;
}

interface Group {
  key: string;
  parts: string[];
  params: SqlStatement['params'][number][];
  /** Where the group runs: in place of its last statement. */
  slot: number;
}

/**
 * The writes of units of work that commit together in one transaction, with fewer statements.
 * First the units' writes: the INSERTs of one table and column list become one multi-row INSERT,
 * the DELETEs of one table one DELETE whose condition is the OR of theirs. A merged statement
 * runs where the last of its statements stood, so it only moves statements later; when that
 * would change the order of a unit's own statements, none is merged. The effect on the data is
 * that of the statements one after the other: the units touch different rows (units that read the
 * same aggregate collide on its event key, and the whole transaction fails). Then the units'
 * numbered writes (event positions): one counter update, and one INSERT per table, numbered in
 * the order of the units.
 */
export function mergedStatements(units: readonly UnitWrites[], numbered: (writes: readonly NumberedWrite[]) => SqlStatement[] = mysqlNumberedStatements): SqlStatement[] {
  return [...mergedWrites(units.map((unit) => unit.writes)), ...numbered(units.flatMap((unit) => unit.numbered))];
}

function mergedWrites(units: readonly (readonly SqlStatement[])[]): SqlStatement[] {
  const flat = units.flat();
  if (units.length < 2) return flat;
  const groups = new Map<string, Group>();
  const groupOf: (Group | undefined)[] = [];
  flat.forEach((statement, index) => {
    const found = mergeable(statement.sql);
    if (!found) return groupOf.push(undefined);
    let group = groups.get(found.key);
    if (!group) groups.set(found.key, (group = { key: found.key, parts: [], params: [], slot: index }));
    group.parts.push(found.part);
    group.params.push(...statement.params);
    group.slot = index;
    groupOf.push(group);
  });
  if (!keepsEachUnitsOrder(units, flat.map((_, index) => groupOf[index]?.slot ?? index))) return flat;
  const merged: SqlStatement[] = [];
  flat.forEach((statement, index) => {
    const group = groupOf[index];
    if (!group) merged.push(statement);
    else if (group.slot === index) merged.push(statementOf(group));
  });
  return merged;
}

function statementOf(group: Group): SqlStatement {
  const [head, tail] = group.key.split('\u0000');
  if (tail === undefined) return { sql: head + group.parts.map((condition) => `(${condition})`).join(' OR '), params: group.params };
  return { sql: head + group.parts.join(', ') + tail, params: group.params };
}

/** Whether each unit's statements still run in its own order when statement i runs at `slots[i]`. */
function keepsEachUnitsOrder(units: readonly (readonly SqlStatement[])[], slots: number[]): boolean {
  let index = 0;
  for (const unit of units) {
    let previous = -1;
    for (let i = 0; i < unit.length; i++, index++) {
      if (slots[index] < previous) return false;
      previous = slots[index];
    }
  }
  return true;
}
