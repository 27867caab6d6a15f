import { SqlParam, SqlRow, SqlStatement } from './sql.js';

/**
 * One unit of work as the core sees it: first it reads, then it states its writes; the database
 * runs the writes and the commit together once the work returns (on MySQL in one round trip).
 * Reads therefore see the state before the unit's own writes, on both engines; a read after a
 * write is a programming error and throws.
 *
 * Writes whose rows every command touches (the global event position) go `last`, so their locks
 * are held for the shortest time: only while the commit itself runs.
 */
export interface SqlTransaction {
  read<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  write(sql: string, params?: readonly SqlParam[]): void;
  writeLast(sql: string, params?: readonly SqlParam[]): void;
}

/** Collects a unit's writes while its reads go straight to the database. */
export class BufferedTransaction implements SqlTransaction {
  private readonly writes: SqlStatement[] = [];
  private readonly lastWrites: SqlStatement[] = [];

  constructor(private readonly readNow: (sql: string, params: readonly SqlParam[]) => Promise<SqlRow[]>) {}

  read<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    if (this.writes.length > 0 || this.lastWrites.length > 0) {
      throw new Error('a transaction read after its own writes: reads see the state before them, so read first');
    }
    return this.readNow(sql, params) as Promise<T[]>;
  }

  write(sql: string, params: readonly SqlParam[] = []): void {
    this.writes.push({ sql, params });
  }

  writeLast(sql: string, params: readonly SqlParam[] = []): void {
    this.lastWrites.push({ sql, params });
  }

  /** The writes in the order they run. */
  statements(): SqlStatement[] {
    return [...this.writes, ...this.lastWrites];
  }
}
