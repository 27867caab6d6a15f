import type { Database, Statement } from 'better-sqlite3';
import { KeyedRead, decoded, rowForKey } from './keyed-read.js';
import { KeyedReadCache } from './keyed-read-cache.js';
import { Counter, NumberedWrite, sqliteCounterStatements, sqliteNumberedInserts } from './numbered-writes.js';
import { SqlParam, SqlRow, SqlWriteResult } from './sql.js';
import { SqliteChangeMarker } from './sqlite-change-marker.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { SqlDatabase } from './sql-database.js';
import { BufferedTransaction, SqlTransaction } from './sql-transaction.js';

/** Most units of work committed together. */
const MAX_UNITS_PER_COMMIT = 256;
/** Prepared statements kept per connection; dynamic SQL (filters, batch sizes) stays well below it. */
const STATEMENT_CACHE_SIZE = 500;
/** Read results kept while the database does not change (one per statement and parameters). */
const RESULT_CACHE_SIZE = 50_000;

interface PendingRead {
  sql: string;
  params: readonly SqlParam[];
  resolve: (rows: SqlRow[]) => void;
  reject: (error: unknown) => void;
}

interface PendingKeyedRead {
  read: KeyedRead<unknown>;
  scope: readonly SqlParam[];
  key: string;
  /** With what the row decodes to (undefined without a row). */
  resolve: (answer: unknown) => void;
  reject: (error: unknown) => void;
}

/** A counter as the batch being committed has taken it: read once, stored once before the commit. */
interface TakenCounter {
  counter: Counter;
  /** The last number taken. */
  value: number;
  /** The value in the database. */
  stored: number;
  /** `value` when the running unit began; unset when that unit read the counter first. */
  atUnitStart?: number;
}

interface Unit {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Embedded SQLite through better-sqlite3: TypeORM's connection is the writer, and a second,
 * read-only connection serves the read path, so reads never wait behind writes (WAL lets them
 * run beside the writer) and never see a transaction before it commits.
 *
 * The read path keeps results until anything is committed to the database, by this process or
 * another one on the same file: the reads asked for in one turn of the event loop are answered
 * after its I/O phase, and first compare the wal-index header (one `pread` for all of them, see
 * SqliteChangeMarker) with the one the cached results were read under. A caller who wrote, in any
 * process, is answered after the commit, so its next read finds the header changed.
 *
 * Group commit: the units of work that arrive while the writer is busy are run together in one
 * transaction, each in its own savepoint, so one that fails rolls back alone and each caller gets
 * its own answer, while one commit serves them all. Durability is SQLite's WAL with the
 * synchronous level the connection has (better-sqlite3's default, NORMAL): the same for one unit
 * or many. A caller is answered only after the commit that holds its unit.
 */
export class SqliteDatabase extends SqlDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly writerStatements = new Map<string, Statement>();
  private readonly readerStatements = new Map<string, Statement>();
  /** Results by statement, then by parameters, valid while the wal-index header is `resultsValidFor`. */
  private readonly results = new Map<string, Map<string, SqlRow[]>>();
  private resultCount = 0;
  private resultsValidFor?: Buffer;
  /** Rows of keyed reads (the read path), kept under the same rule as `results`. */
  private readonly kept = new KeyedReadCache(undefined, 0);
  /** How many times the wal-index header was seen to change: the generation of `kept`. */
  private headerChanges = 0;
  /** Reads asked for in this turn of the event loop, answered together after its I/O phase. */
  private pendingReads: PendingRead[] = [];
  private pendingKeyedReads: PendingKeyedRead[] = [];
  private answerScheduled = false;
  private queue: Unit[] = [];
  /** Counters the batch being committed took numbers from, by their read statement. */
  private readonly counters = new Map<string, TakenCounter>();
  private scheduled = false;
  private flushing = false;

  constructor(
    private readonly writer: Database,
    private readonly reader: Database,
    private readonly changes: SqliteChangeMarker | undefined,
    private readonly checkpointer?: SqliteCheckpointer,
  ) {
    super();
  }

  read<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    if (!this.changes) return this.readNow(sql, params) as Promise<T[]>;
    return new Promise((resolve, reject) => {
      this.scheduleAnswers();
      this.pendingReads.push({ sql, params, resolve: resolve as (rows: SqlRow[]) => void, reject });
    });
  }

  override readByKey<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): Promise<T | undefined> {
    if (!this.changes) return super.readByKey(read, scope, key);
    return new Promise((resolve, reject) => {
      this.scheduleAnswers();
      this.pendingKeyedReads.push({ read, scope, key, resolve: resolve as (answer: unknown) => void, reject });
    });
  }

  private scheduleAnswers(): void {
    if (this.answerScheduled) return;
    this.answerScheduled = true;
    setImmediate(() => this.answerPendingReads());
  }

  private readNow(sql: string, params: readonly SqlParam[]): Promise<SqlRow[]> {
    try {
      return Promise.resolve(this.readerQuery(sql, params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Answers the reads asked for since the last time, after the event loop's I/O phase: each was
   * asked for before this moment, so one look at the wal-index header now serves them all (a
   * commit a caller saw finish, in any process, happened before the caller asked).
   */
  private answerPendingReads(): void {
    const reads = this.pendingReads;
    const keyedReads = this.pendingKeyedReads;
    this.pendingReads = [];
    this.pendingKeyedReads = [];
    this.answerScheduled = false;
    // the header is read before the statements run: a commit in between makes the next reads run them again
    const header = this.changes?.current();
    if (header !== undefined) this.forgetUnless(header);
    const cached = header !== undefined;
    for (const read of reads) {
      try {
        read.resolve(cached ? this.cachedRead(read.sql, read.params) : this.readerQuery(read.sql, read.params));
      } catch (error) {
        read.reject(error);
      }
    }
    for (const read of keyedReads) {
      try {
        read.resolve(cached ? this.keptAnswer(read) : decoded(read.read, this.keyedQuery(read)));
      } catch (error) {
        read.reject(error);
      }
    }
  }

  /** Drops every result and row kept unless they were read under this wal-index header. */
  private forgetUnless(header: Buffer): void {
    if (this.resultsValidFor?.equals(header)) return;
    this.results.clear();
    this.resultCount = 0;
    this.kept.advance(++this.headerChanges);
    this.resultsValidFor = Buffer.from(header);
  }

  private keptAnswer(read: PendingKeyedRead): unknown {
    const kept = this.kept.lookup(read.read, read.scope, read.key);
    if (kept !== undefined) return kept;
    const row = this.keyedQuery(read);
    if (row === undefined) return undefined;
    const value = read.read.decode(row);
    this.kept.keep(read.read, read.scope, read.key, value, this.headerChanges);
    return value;
  }

  private keyedQuery({ read, scope, key }: PendingKeyedRead): SqlRow | undefined {
    return rowForKey(this.readerQuery(read.statement(1).sql, [...scope, key]), key);
  }

  private cachedRead(sql: string, params: readonly SqlParam[]): SqlRow[] {
    let byParams = this.results.get(sql);
    const key = paramsKey(params);
    const cached = byParams?.get(key);
    if (cached) return cached;
    const rows = this.readerQuery(sql, params);
    if (this.resultCount < RESULT_CACHE_SIZE) {
      if (!byParams) this.results.set(sql, (byParams = new Map()));
      byParams.set(key, rows);
      this.resultCount++;
    }
    return rows;
  }

  private readerQuery(sql: string, params: readonly SqlParam[]): SqlRow[] {
    return prepared(this.reader, this.readerStatements, sql).all(params as unknown[]) as SqlRow[];
  }

  /** Both connections answer (the writer is TypeORM's: closed when its DataSource is). */
  ping(): Promise<void> {
    try {
      prepared(this.writer, this.writerStatements, 'SELECT 1').get();
      this.readerQuery('SELECT 1', []);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  execute(sql: string, params: readonly SqlParam[] = []): Promise<SqlWriteResult> {
    return this.enqueue(async () => ({ affectedRows: prepared(this.writer, this.writerStatements, sql).run(params as unknown[]).changes }));
  }

  protected attempt<T>(work: (tx: SqlTransaction) => Promise<T>, dryRun = false): Promise<T> {
    return this.enqueue(async () => {
      // reads on the writer see the units committed before and the ones earlier in this batch
      const tx = new BufferedTransaction((sql, params) => Promise.resolve(this.writerQuery(sql, params)));
      const result = await work(tx);
      if (dryRun) return result;
      const { writes, numbered } = tx.unitWrites();
      for (const { sql, params } of writes) this.writerQuery(sql, params);
      for (const write of numbered) {
        for (const { sql, params } of sqliteNumberedInserts(write, this.takeNumbers(write))) this.writerQuery(sql, params);
      }
      return result;
    });
  }

  protected attemptLocking<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    // a unit of the writer's batch reads inside the transaction already, and nothing else writes meanwhile
    return this.attempt(work);
  }

  /** Lets the queued units commit, checkpoints what they wrote, then closes the reader. */
  async close(): Promise<void> {
    while (this.flushing || this.scheduled || this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    await this.checkpointer?.close();
    this.reader.close();
    this.changes?.close();
  }

  private writerQuery(sql: string, params: readonly SqlParam[]): SqlRow[] {
    const statement = prepared(this.writer, this.writerStatements, sql);
    if (statement.reader) return statement.all(params as unknown[]) as SqlRow[];
    statement.run(params as unknown[]);
    return [];
  }

  /**
   * The last of the `write.count` numbers a unit takes from its counter. The batch holds the write
   * lock from BEGIN IMMEDIATE to COMMIT, so the counter is read once, counted on here, and stored
   * once before the commit (one write of its row instead of one per unit).
   */
  private takeNumbers(write: NumberedWrite): number {
    const statements = sqliteCounterStatements(write.counter);
    let taken = this.counters.get(statements.read);
    if (!taken) {
      const [row] = this.writerQuery(statements.read, []);
      if (!row) throw new Error(`counter row missing: ${write.counter.table} WHERE ${write.counter.where}`);
      taken = { counter: write.counter, value: Number(row.last), stored: Number(row.last) };
      this.counters.set(statements.read, taken);
    }
    taken.value += write.count;
    return taken.value;
  }

  /** Marks where each counter stands as a unit begins, to give back the numbers of a unit that rolls back. */
  private markCounters(): void {
    for (const taken of this.counters.values()) taken.atUnitStart = taken.value;
  }

  private restoreCounters(): void {
    for (const [key, taken] of this.counters) {
      // a counter the unit read first was read inside its savepoint: read it again when needed
      if (taken.atUnitStart === undefined) this.counters.delete(key);
      else taken.value = taken.atUnitStart;
    }
  }

  private storeCounters(): void {
    for (const taken of this.counters.values()) {
      if (taken.value !== taken.stored) this.writerQuery(sqliteCounterStatements(taken.counter).store, [taken.value]);
    }
  }

  /** A transaction control statement on the writer, prepared once (parsing it each time costs more than running it). */
  private control(sql: string): void {
    prepared(this.writer, this.writerStatements, sql).run();
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Flushes once the current turn of the event loop has queued what it will. */
  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    const units = this.queue.splice(0, MAX_UNITS_PER_COMMIT);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.control('BEGIN IMMEDIATE');
      this.counters.clear();
      for (const unit of units) {
        this.control('SAVEPOINT unit');
        this.markCounters();
        try {
          const value = await unit.run();
          this.control('RELEASE unit');
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.control('ROLLBACK TO unit');
          this.control('RELEASE unit');
          this.restoreCounters();
          outcomes.push({ ok: false, error });
        }
      }
      this.storeCounters();
      this.control('COMMIT');
      this.checkpointer?.committed();
    } catch (error) {
      // BEGIN or COMMIT failed (another process holds the lock too long, disk full, …): nothing of this batch is stored
      if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
      outcomes.length = 0;
      for (let i = 0; i < units.length; i++) outcomes.push({ ok: false, error });
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.schedule();
    }
    units.forEach((unit, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }
}

/** The parameters as one map key (null kept apart from the empty string). */
function paramsKey(params: readonly SqlParam[]): string {
  let key = '';
  for (const param of params) key += param === null ? '\u0001\u0000' : `${param}\u0000`;
  return key;
}

function prepared(connection: Database, cache: Map<string, Statement>, sql: string): Statement {
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
    statement = connection.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
