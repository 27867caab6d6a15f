/** A value bound to a `?` placeholder. Booleans are stored as 1/0 by the callers. */
export type SqlParam = string | number | null;

/** One row as the driver returns it, by column name. */
export type SqlRow = Record<string, unknown>;

export interface SqlStatement {
  sql: string;
  params: readonly SqlParam[];
}

/** What a write statement did. */
export interface SqlWriteResult {
  affectedRows: number;
}

/** The two engines: MySQL/MariaDB through mysql2, and embedded SQLite through better-sqlite3. */
export type SqlDialect = 'mysql' | 'sqlite';
