import { SqlParam, SqlStatement } from './sql.js';

/** Printable ASCII without quote or backslash: the same text between single quotes under every `sql_mode` and connection charset. */
const PLAIN_TEXT = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;

/**
 * A value as a MySQL literal that means the same under every `sql_mode`: numbers as digits,
 * strings of plain ASCII (ids, event types, JSON of numbers) between single quotes, any other
 * string as a utf8mb4 hex literal (no quote or backslash can end it early, also with
 * NO_BACKSLASH_ESCAPES). Used where several statements travel in one round trip, which prepared
 * statements cannot do.
 */
export function mysqlLiteral(value: SqlParam): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number for SQL: ${value}`);
    return String(value);
  }
  if (PLAIN_TEXT.test(value)) return `'${value}'`;
  return `_utf8mb4 X'${Buffer.from(value, 'utf8').toString('hex')}'`;
}

/** The statement with each `?` replaced by its parameter as a literal (our SQL has no `?` inside quotes). */
export function inlineParams(statement: SqlStatement): string {
  let index = 0;
  const sql = statement.sql.replace(/\?/g, () => {
    if (index >= statement.params.length) throw new Error(`more placeholders than parameters in: ${statement.sql}`);
    return mysqlLiteral(statement.params[index++]);
  });
  if (index !== statement.params.length) throw new Error(`more parameters than placeholders in: ${statement.sql}`);
  return sql;
}
