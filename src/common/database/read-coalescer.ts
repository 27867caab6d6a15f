import { KeyedRead, MAX_KEYS_PER_STATEMENT, ROW_KEY } from './keyed-read.js';
import { SqlParam, SqlRow } from './sql.js';

interface Waiter {
  resolve: (row: SqlRow | undefined) => void;
  reject: (error: unknown) => void;
}

/** The reads of one keyed read in one scope: the statements in flight and the keys waiting for the next one. */
interface Group {
  readonly read: KeyedRead<unknown>;
  readonly scopeKey: string;
  readonly scope: readonly SqlParam[];
  inFlight: number;
  waiting: Map<string, Waiter[]>;
}

/**
 * Answers concurrent keyed reads of one scope with one statement: a read starts a statement at
 * once while fewer than `maxInFlight` of its kind are running; otherwise it waits, with every
 * other read that arrives meanwhile, for the next statement, which starts as soon as one finishes
 * and asks for all their keys (up to MAX_KEYS_PER_STATEMENT). Nothing is cached: every read is
 * answered by a statement that started after the read arrived, so it sees every write committed
 * before it was asked for, in this process or any other. Under load the database runs one
 * statement for many reads; when idle, a read is one statement as before.
 */
export class ReadCoalescer {
  private readonly groups = new Map<KeyedRead<unknown>, Map<string, Group>>();

  constructor(
    private readonly run: (sql: string, params: readonly SqlParam[]) => Promise<SqlRow[]>,
    private readonly maxInFlight: number,
  ) {}

  /** The row that answers `key` (not decoded: its caller decodes it). */
  read(read: KeyedRead<unknown>, scope: readonly SqlParam[], key: string): Promise<SqlRow | undefined> {
    const group = this.group(read, scope);
    return new Promise((resolve, reject) => {
      const waiters = group.waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else group.waiting.set(key, [{ resolve, reject }]);
      if (group.inFlight < this.maxInFlight) this.dispatch(group);
    });
  }

  private group(read: KeyedRead<unknown>, scope: readonly SqlParam[]): Group {
    let byScope = this.groups.get(read);
    if (!byScope) this.groups.set(read, (byScope = new Map()));
    const scopeKey = scope.length === 1 ? String(scope[0]) : JSON.stringify(scope);
    let group = byScope.get(scopeKey);
    if (!group) byScope.set(scopeKey, (group = { read, scopeKey, scope, inFlight: 0, waiting: new Map() }));
    return group;
  }

  private dispatch(group: Group): void {
    const batch = new Map<string, Waiter[]>();
    for (const [key, waiters] of group.waiting) {
      if (batch.size === MAX_KEYS_PER_STATEMENT) break;
      batch.set(key, waiters);
    }
    for (const key of batch.keys()) group.waiting.delete(key);
    const keys = [...batch.keys()];
    const { sql, placeholders } = group.read.statement(keys.length);
    const params = [...group.scope, ...keys];
    for (let filler = keys.length; filler < placeholders; filler++) params.push(keys[0]);
    group.inFlight++;
    this.run(sql, params).then(
      (rows) => {
        const found = new Map<string, SqlRow>();
        for (const row of rows) found.set(String(row[ROW_KEY]), row);
        for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(found.get(key));
        this.finished(group);
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
        this.finished(group);
      },
    );
  }

  private finished(group: Group): void {
    group.inFlight--;
    if (group.waiting.size > 0) this.dispatch(group);
    else if (group.inFlight === 0) this.forget(group);
  }

  /** Drops an idle group, so scopes that are no longer read leave nothing behind. */
  private forget(group: Group): void {
    const byScope = this.groups.get(group.read);
    if (byScope?.get(group.scopeKey) === group) byScope.delete(group.scopeKey);
  }
}
