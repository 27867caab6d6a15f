import { SqlRow } from './sql.js';

/** The most keys one statement of a keyed read asks for. */
export const MAX_KEYS_PER_STATEMENT = 64;

/** The column in which every row of a keyed read carries the key it answers. */
export const ROW_KEY = 'row_key';

/**
 * A read of one row by key within a scope (an instance, say), written so that one statement can
 * answer many keys: `build` gets the placeholder list of the keys (`?, ?, ?`) and returns the
 * statement, whose parameters are the scope's, then the keys, and whose rows carry their key in
 * column `row_key`. A database may then answer concurrent reads of one scope together.
 *
 * A read answers with what its row decodes to (`decode`, the row itself by default). A database
 * that keeps answers (KeyedReadCache) keeps the decoded value, so a read of a kept answer reaches
 * what its caller uses without decoding or looking anything up again.
 */
export class KeyedRead<T = SqlRow> {
  private readonly statements = new Map<number, string>();

  constructor(
    private readonly build: (keyPlaceholders: string) => string,
    readonly decode: (row: SqlRow) => T = (row) => row as T,
  ) {}

  /**
   * The statement for `keyCount` keys, rounded up to a power of two (so few statements are ever
   * prepared); the caller repeats a key to fill the placeholders it does not need.
   */
  statement(keyCount: number): { sql: string; placeholders: number } {
    const placeholders = keyCount <= 1 ? 1 : 2 ** Math.ceil(Math.log2(keyCount));
    let sql = this.statements.get(placeholders);
    if (sql === undefined) {
      sql = this.build(Array.from({ length: placeholders }, () => '?').join(', '));
      this.statements.set(placeholders, sql);
    }
    return { sql, placeholders };
  }
}

/** The row of `rows` that answers `key` (compared exactly, whatever the column's collation). */
export function rowForKey(rows: readonly SqlRow[], key: string): SqlRow | undefined {
  return rows.find((row) => String(row[ROW_KEY]) === key);
}

/** What a read's row decodes to; undefined without a row. */
export function decoded<T>(read: KeyedRead<T>, row: SqlRow | undefined): T | undefined {
  return row === undefined ? undefined : read.decode(row);
}
