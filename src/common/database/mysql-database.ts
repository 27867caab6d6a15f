import { Logger } from '@nestjs/common';
import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2';
import { CommitBatcher } from './commit-batcher.js';
import { committedEvents } from './committed-events.js';
import { FailoverPool, RunAgainOnNextNode } from './failover-pool.js';
import { GenerationCheck } from './generation-check.js';
import { KeyedRead } from './keyed-read.js';
import { KeyedReadCache } from './keyed-read-cache.js';
import { mergedStatements } from './merged-statements.js';
import { NumberedWrite, mysqlNumberedStatements, unnumberedStatements } from './numbered-writes.js';
import { inlineParams } from './mysql-literal.js';
import { causalRead } from './galera.js';
import { GALERA_FRAME, PLAIN_FRAME, TransactionFrame, abortedAsConflict } from './transaction-frame.js';
import { GENERATION_SQL, READ_AT_COLUMN } from './position-counter.js';
import { ReadCoalescer } from './read-coalescer.js';
import { SqlParam, SqlRow, SqlStatement, SqlWriteResult } from './sql.js';
import { SqlDatabase } from './sql-database.js';
import { BufferedTransaction, SqlTransaction, UnitWrites } from './sql-transaction.js';

/** A unit's writes, and how often the pool had moved to another host when the unit began to read. */
interface PendingUnit extends UnitWrites {
  failoversAtRead: number;
}

/** Statements of one keyed read and scope running at once; the reads that arrive meanwhile wait for the next. */
const KEYED_STATEMENTS_IN_FLIGHT = 2;
/**
 * Generation checks running at once; the reads that arrive meanwhile wait for the next. One: the
 * reads that arrive while it runs share the next, so under the bench's load a read cost the server
 * 7–8 µs of CPU instead of 12 with two, and with 4 connections reading one org the service
 * answered 15–18k reads a second instead of 11–12k (server and service on one 2-core machine).
 * The price, where the server is far away: under load a read may wait for the running check to
 * finish before its own starts.
 */
const GENERATION_CHECKS_IN_FLIGHT = 1;
/**
 * Commits running at once; the units of work that arrive meanwhile are committed together in the
 * next. Two: under the bench's write cycle (32 connections, server and service on one 2-core
 * machine) a write cost the service about 169 µs of CPU and the server about 160 instead of 187
 * and 190 with four (about 6 units per commit instead of 4: a third fewer round trips), and the write
 * rate read 0.82–0.96 of the raw driver's floor in six of seven runs instead of 0.71–0.84. One in
 * flight did no better than two, and a lone unit still commits at once. Measured again with the
 * commands' reads one statement at a time: one commit in flight still did no better (3.8k and
 * 4.7k writes a second against 3.5k–4.4k), and one of its runs had a p99 of 237 ms, where a slow
 * commit holds up every command.
 */
const COMMITS_IN_FLIGHT = 2;
/**
 * Statements of the commands' keyed reads (a command's state: see attemptOnce) running at once; the
 * commands that arrive meanwhile read theirs together in the next. One: a statement's fixed cost
 * on the server (about 80 µs of its CPU for the command-state read, against about 12 µs more per
 * org it asks for) is then shared by more commands. Under the bench's write cycle (server and
 * service on one 2-core machine, alternated runs) a write cost the server 118–143 µs of CPU
 * instead of 156–183 with two in flight and the service 108–141 instead of 136–166, with a lower
 * p99 (12.9–15.5 ms against 15.7–16.8). Reads outside a command keep KEYED_STATEMENTS_IN_FLIGHT.
 */
const UNIT_READ_STATEMENTS_IN_FLIGHT = 1;

/**
 * MySQL/MariaDB through the mysql2 pool that TypeORM opened. Reads are prepared statements
 * (`execute`, cached per connection). A unit of work reads first, outside a transaction, then
 * sends `START TRANSACTION; <writes>; COMMIT` as one multi-statement round trip (on Galera in
 * GALERA_FRAME, see transaction-frame.ts): its locks are held only while the server runs that
 * batch, never across a round trip. Consistency comes from
 * the unique keys its writes hit (an event's aggregate sequence above all): a unit that read an
 * old state fails at its commit and runs again.
 *
 * Keyed reads (the read path) that arrive together are answered together (ReadCoalescer), and
 * units of work that commit together share one transaction (CommitBatcher).
 *
 * A keyed read's rows are kept for the generation of the committed state they were read at (the
 * event position counter, which every command's transaction moves: see position-counter.ts). A
 * read of a kept row asks the server for the current generation (one statement for all the reads
 * that ask together, started after they asked) and is answered from the row only when the
 * generation is still the same; otherwise it reads. So a read never answers older than the last
 * commit that finished before it was asked for, through this process or any other.
 */
export class MysqlDatabase extends SqlDatabase {
  readonly dialect = 'mysql' as const;

  private readonly coalescer = new ReadCoalescer((sql, params) => this.read(withReadAt(sql), params), KEYED_STATEMENTS_IN_FLIGHT);
  /** The commands' keyed reads: nothing of theirs is kept, so they are read without the generation. */
  private readonly unitReads = new ReadCoalescer((sql, params) => this.read(sql, params), UNIT_READ_STATEMENTS_IN_FLIGHT);
  private readonly kept = new KeyedReadCache();
  private readonly generations = new GenerationCheck(() => this.generation(), GENERATION_CHECKS_IN_FLIGHT);
  private readonly commits = new CommitBatcher<PendingUnit>(
    (units) => this.commitNow(units),
    COMMITS_IN_FLIGHT,
    // a unit whose node went away runs again from its read, never its writes alone on another node
    (error) => error instanceof RunAgainOnNextNode,
  );

  /** Each read's text with the causal-read prefix, made once per text (the texts are a few constants). */
  private readonly causalTexts = new Map<string, string>();
  private readonly failoverLog = new Logger('Database');
  /** How the event positions are written: at commit, or (on Galera) by the event sequencer afterwards. */
  private readonly numbered: (writes: readonly NumberedWrite[]) => SqlStatement[];
  /** How a transaction's batch opens and closes (on Galera, guarded against an abort that does not stop the batch). */
  private readonly frame: TransactionFrame;

  constructor(
    /** The hosts of DATABASE_URL; with one, exactly that host's pool and nothing more (see failover-pool.ts). */
    private readonly pools: FailoverPool<Pool>,
    /** On a Galera node: every read waits until the node has applied what the cluster committed before it (see galera.ts). */
    private readonly galera = false,
  ) {
    super();
    this.numbered = galera ? unnumberedStatements : mysqlNumberedStatements;
    this.frame = galera ? GALERA_FRAME : PLAIN_FRAME;
  }

  override readByKey<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): Promise<T | undefined> {
    if (!this.kept.offering) return this.readAndKeep(read, scope, key);
    // the read path: one promise chained on the shared check (no async function). The kept answer
    // is looked up once the check has answered, so the org's data is touched in one stretch right
    // before the answer is made: looked up before the wait, it was cold again after it (other reads
    // ran meanwhile), which with 10,000 orgs in use cost CPU per read and the server's checks time
    // too. A key not kept while others are takes a check and then a read.
    return this.generations.latest().then((generation) => {
      if (generation === this.kept.generation) {
        const kept = this.kept.lookup(read, scope, key);
        if (kept !== undefined) return kept;
      } else if (generation !== undefined) this.kept.advance(generation);
      return this.readAndKeep(read, scope, key);
    });
  }

  private async readAndKeep<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): Promise<T | undefined> {
    const row = await this.coalescer.read(read, scope, key);
    if (row === undefined) return undefined;
    const value = read.decode(row);
    const readAt = Number(row.read_at);
    if (Number.isSafeInteger(readAt)) this.kept.keep(read, scope, key, value, readAt);
    return value;
  }

  /** The generation of the committed state, or undefined while it cannot be trusted. */
  private async generation(): Promise<number | undefined> {
    const [row] = await this.read(GENERATION_SQL);
    const generation = Number(row?.generation);
    return row !== undefined && Number(row.unpositioned) === 0 && Number.isSafeInteger(generation) ? generation : undefined;
  }

  read<T extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): Promise<T[]> {
    const text = this.galera ? this.causal(sql) : sql;
    const pool = this.pools.current;
    const rows = readOn<T>(pool, text, params);
    // a read is idempotent: when its node went away, it runs again on the next usable one
    return this.pools.single ? rows : rows.catch((error: unknown) => this.readAgain<T>(pool, error, text, params, 1));
  }

  private async readAgain<T extends SqlRow>(failed: Pool, error: unknown, text: string, params: readonly SqlParam[], attempts: number): Promise<T[]> {
    if (!this.pools.canMoveOn(error) || attempts > this.pools.size) throw error;
    await this.pools.moveOn(failed, error);
    const pool = this.pools.current;
    return readOn<T>(pool, text, params).catch((next: unknown) => this.readAgain<T>(pool, next, text, params, attempts + 1));
  }

  /** Whether the current host's node serves, or else another host's (which then becomes current). */
  ping(): Promise<void> {
    return this.pools.check();
  }

  private causal(sql: string): string {
    let text = this.causalTexts.get(sql);
    if (text === undefined) this.causalTexts.set(sql, (text = causalRead(sql)));
    return text;
  }

  execute(sql: string, params: readonly SqlParam[] = []): Promise<SqlWriteResult> {
    const pool = this.pools.current;
    const result = new Promise<SqlWriteResult>((resolve, reject) => {
      pool.execute(sql, params as SqlParam[], (error, result) => (error ? reject(error) : resolve({ affectedRows: (result as ResultSetHeader).affectedRows })));
    });
    if (this.pools.single) return result;
    // not run again: its caller cannot tell whether it happened (the outbox's own statements, which it repeats on its next round);
    // the next statement goes to a usable node
    return result.catch(async (error: unknown) => {
      if (this.pools.canMoveOn(error)) await this.pools.moveOn(pool, error).catch(() => undefined);
      throw error;
    });
  }

  protected attempt<T>(work: (tx: SqlTransaction) => Promise<T>, dryRun: boolean): Promise<T> {
    return this.pools.single ? this.attemptOnce(work, dryRun) : this.onNextNodeIfLost(() => this.attemptOnce(work, dryRun));
  }

  protected attemptLocking<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.pools.single ? this.attemptLockingOnce(work) : this.onNextNodeIfLost(() => this.attemptLockingOnce(work));
  }

  /** Runs a unit again from its first read while it fails because its node went away (and another is usable), a few times at most. */
  private async onNextNodeIfLost<T>(attempt: () => Promise<T>): Promise<T> {
    for (let attempts = 1; ; attempts++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof RunAgainOnNextNode)) throw error;
        if (attempts >= 2 * this.pools.size) throw error.cause;
      }
    }
  }

  private async attemptOnce<T>(work: (tx: SqlTransaction) => Promise<T>, dryRun: boolean): Promise<T> {
    // a command's state is a keyed read too: the commands that arrive together read theirs in one statement
    const tx = new BufferedTransaction(
      (sql, params) => this.read(sql, params),
      (read, scope, key) => this.unitReads.read(read, scope, key),
    );
    const failoversAtRead = this.pools.failovers;
    const result = await work(tx);
    const writes = tx.unitWrites();
    if (!dryRun && writes.writes.length + writes.numbered.length > 0) await this.commits.commit({ ...writes, failoversAtRead });
    return result;
  }

  private async attemptLockingOnce<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const pool = this.pools.current;
    const connection = await connectionOf(pool).catch((error: unknown) => this.notSent(pool, error));
    let started = false;
    let committing = false;
    const tx = new BufferedTransaction(async (sql, params) => {
      const text = inlineParams({ sql, params });
      if (started) return (await query(connection, text)) as SqlRow[];
      started = true;
      // on Galera the first read waits until this node has applied what the cluster committed before
      // (causal): a unit run again after another node's commit won its conflict then sees that commit
      const first = this.galera ? causalRead(text) : text;
      const results = (await query(connection, [...this.frame.begin(['SET TRANSACTION ISOLATION LEVEL READ COMMITTED']), first].join('; '))) as unknown[];
      return results[results.length - 1] as SqlRow[];
    });
    let result: T | undefined;
    try {
      return await settled(connection, this.frame.rollback, async () => {
        result = await work(tx);
        committing = true;
        await query(connection, [...(started ? [] : this.frame.begin()), ...tx.statements(this.numbered).map(inlineParams), ...this.frame.end].join(';\n'));
        return result;
      });
    } catch (error) {
      if (!this.pools.canMoveOn(error)) throw abortedAsConflict(error);
      await this.pools.moveOn(pool, error);
      if (committing && (await this.committed([tx.unitWrites()], error))) return result as T;
      throw new RunAgainOnNextNode(error);
    }
  }

  async close(): Promise<void> {
    // the first host's pool is TypeORM's, which closes it with the DataSource; the others are the failover pool's
    await this.pools.close();
  }

  /**
   * Commits the units in one transaction: `START TRANSACTION; <writes>; COMMIT` in one round trip.
   * When the node goes away meanwhile (and another is usable): a commit never sent runs again from
   * its read on the next node; one whose connection died during the round trip may have committed,
   * so the next node is asked (causally) whether its events are there: then its callers are
   * answered, otherwise it runs again from its read.
   */
  private async commitNow(units: PendingUnit[]): Promise<void> {
    const writes = mergedStatements(units, this.numbered);
    const pool = this.pools.current;
    // a unit that read through another node (the pool moved since) may have seen commits this node
    // has not applied yet, and its writes assume them: on Galera the batch waits for them first
    const catchUp = this.galera && units.some((unit) => unit.failoversAtRead !== this.pools.failovers) ? [causalRead('SELECT 1')] : [];
    const connection = await connectionOf(pool).catch((error: unknown) => this.notSent(pool, error));
    try {
      await settled(connection, this.frame.rollback, () => query(connection, [...catchUp, ...this.frame.begin(), ...writes.map(inlineParams), ...this.frame.end].join(';\n')));
    } catch (error) {
      if (!this.pools.canMoveOn(error)) throw abortedAsConflict(error);
      await this.pools.moveOn(pool, error);
      if (await this.committed(units, error)) return;
      throw new RunAgainOnNextNode(error);
    }
  }

  /** After a failure before anything was sent: on the next usable node, the unit runs again; otherwise the failure stands. */
  private async notSent(pool: Pool, error: unknown): Promise<never> {
    if (!this.pools.canMoveOn(error)) throw error;
    await this.pools.moveOn(pool, error);
    throw new RunAgainOnNextNode(error);
  }

  /**
   * Whether the units whose commit round trip was cut committed after all: their events are
   * there, read causally on the current node. Units without events cannot be told apart and
   * count as not committed: they run again from their read, as after a conflict (their own reads
   * then see what they wrote, if anything). When the question cannot be answered, the cut
   * commit's failure stands (503): never an answer of success for a unit that did not commit.
   */
  private async committed(units: UnitWrites[], cause: unknown): Promise<boolean> {
    let committed: boolean;
    try {
      committed = await committedEvents(units, (sql, params) => this.read(sql, params));
    } catch (error) {
      this.failoverLog.warn(`a commit cut off by the loss of its node could not be decided (${(error as Error).message}); answered as unavailable`);
      throw cause;
    }
    this.failoverLog.warn(`a commit of ${units.length} unit(s) cut off by the loss of its node ${committed ? 'had committed (its events are stored): answered' : 'had not committed: run again from its read'}`);
    return committed;
  }
}

function readOn<T extends SqlRow>(pool: Pool, text: string, params: readonly SqlParam[]): Promise<T[]> {
  return new Promise((resolve, reject) => {
    pool.execute(text, params as SqlParam[], (error, rows) => (error ? reject(error) : resolve(rows as T[])));
  });
}

function connectionOf(pool: Pool): Promise<PoolConnection> {
  return new Promise((resolve, reject) => pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection))));
}

/**
 * Runs `work` on a connection that ends in a commit, and gives the connection back: after a
 * failure (the server stops at the failing statement and leaves the transaction open) rolled
 * back, or closed when even that fails.
 */
async function settled<T>(connection: PoolConnection, rollback: string, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    connection.release();
    return result;
  } catch (error) {
    await query(connection, rollback).then(
      () => connection.release(),
      () => connection.destroy(),
    );
    throw error;
  }
}

function query(connection: PoolConnection, sql: string): Promise<unknown> {
  return new Promise((resolve, reject) => connection.query(sql, (error, result) => (error ? reject(error) : resolve(result))));
}

const readAtTexts = new Map<string, string>();

/** A keyed read's statement that also returns the generation its rows were read at (column `read_at`). */
function withReadAt(sql: string): string {
  let text = readAtTexts.get(sql);
  if (text === undefined) {
    if (!sql.startsWith('SELECT ')) throw new Error(`a keyed read must be one SELECT: ${sql}`);
    text = `SELECT ${READ_AT_COLUMN}, ${sql.slice('SELECT '.length)}`;
    readAtTexts.set(sql, text);
  }
  return text;
}
