import { KeyedRead, decoded, rowForKey } from './keyed-read.js';
import { NumberedWrite } from './numbered-writes.js';
import { SqlParam, SqlRow, SqlStatement } from './sql.js';

/**
 * One unit of work as the core sees it: first it reads, then it states its writes; the database
 * runs the writes and the commit together once the work returns (on MySQL in one round trip).
 * Reads therefore see the state before the unit's own writes, on both engines; a read after a
 * write is a programming error and throws.
 *
 * Rows numbered from a counter that every command raises (the global event position) are written
 * last, so the counter's lock is held for the shortest time: only while the commit itself runs.
 */
export interface SqlTransaction {
  read<T extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** What the row of a keyed read decodes to (the database may answer it together with other units' reads of the same kind). */
  readByKey<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): Promise<T | undefined>;
  write(sql: string, params?: readonly SqlParam[]): void;
  /** Rows that take the counter's next numbers at commit, after the unit's other writes. */
  writeNumbered(write: NumberedWrite): void;
}

/** A unit's writes as stated: `numbered` run after `writes`. */
export interface UnitWrites {
  writes: SqlStatement[];
  numbered: NumberedWrite[];
}

/** How a transaction's keyed reads are answered: the row, which the transaction decodes. */
export type KeyedReader = (read: KeyedRead<unknown>, scope: readonly SqlParam[], key: string) => Promise<SqlRow | undefined>;

/** Collects a unit's writes while its reads go straight to the database. */
export class BufferedTransaction implements SqlTransaction {
  private readonly writes: SqlStatement[] = [];
  private readonly numbered: NumberedWrite[] = [];

  constructor(
    private readonly readNow: (sql: string, params: readonly SqlParam[]) => Promise<SqlRow[]>,
    private readonly readKeyed: KeyedReader = async (read, scope, key) => rowForKey(await readNow(read.statement(1).sql, [...scope, key]), key),
  ) {}

  read<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    this.assertNoWritesYet();
    return this.readNow(sql, params) as Promise<T[]>;
  }

  readByKey<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): Promise<T | undefined> {
    this.assertNoWritesYet();
    return this.readKeyed(read, scope, key).then((row) => decoded(read, row));
  }

  write(sql: string, params: readonly SqlParam[] = []): void {
    this.writes.push({ sql, params });
  }

  writeNumbered(write: NumberedWrite): void {
    this.numbered.push(write);
  }

  private assertNoWritesYet(): void {
    if (this.writes.length > 0 || this.numbered.length > 0) {
      throw new Error('a transaction read after its own writes: reads see the state before them, so read first');
    }
  }

  /** The writes in the order they run, the numbered ones as the dialect writes them. */
  statements(numberedStatements: (writes: NumberedWrite[]) => SqlStatement[]): SqlStatement[] {
    return [...this.writes, ...numberedStatements(this.numbered)];
  }

  /** The writes, the numbered ones apart. */
  unitWrites(): UnitWrites {
    return { writes: [...this.writes], numbered: [...this.numbered] };
  }
}
