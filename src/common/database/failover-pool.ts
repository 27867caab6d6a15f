import { isDatabaseUnavailable } from '../errors/database-unavailable.js';

/** One host of DATABASE_URL and its pool of connections. */
export interface DatabaseHost<P> {
  /** `host:port`, for the log. */
  name: string;
  pool: P;
  /**
   * Where the node check goes, when not to `pool`: a connection of its own, so the check is not
   * queued behind the statements that wait on a stalled node (a Galera cluster holds every commit
   * and causal read while it drops a node) and answers in time.
   */
  checkPool?: P;
  /** Ends what was opened for this host (not the pool TypeORM opened: TypeORM closes it with its DataSource). */
  end?: () => Promise<void>;
}

/**
 * Rejects unless the host's node may serve statements now: on Galera, Synced and `wsrep_ready`
 * (galeraNodeReady); elsewhere, any answer.
 */
export type NodeCheck<P> = (pool: P) => Promise<void>;

/**
 * A unit of work failed because its node went away, and another host's node is usable now: run
 * it again from its first read there. Never leaves MysqlDatabase (after its last attempt the
 * cause is thrown instead, which answers 503 / code 14).
 */
export class RunAgainOnNextNode extends Error {
  constructor(override readonly cause: unknown) {
    super(`the database node went away (${(cause as Error)?.message ?? String(cause)}); the unit runs again on the next node`);
  }
}

/**
 * The hosts of DATABASE_URL (one pool each) and which one serves now. Statements go to `current`;
 * when one fails with an error that says its node cannot serve (`isDatabaseUnavailable`: the
 * connection refused, reset or lost, errno 1047 on a Galera node that is not ready, …), its caller
 * asks `moveOn`, which makes the next host in DATABASE_URL's order whose node is usable the
 * current one (the failed host itself is tried last), and then runs the statement again as far as
 * that is safe (see MysqlDatabase). The callers that fail together share one search.
 *
 * With one host (`single`) nothing moves: the callers skip all of it, so a statement costs what it
 * did before there were several hosts.
 */
export class FailoverPool<P> {
  readonly single: boolean;
  private index: number;
  /** The search under way, started after a failure on `hosts[from]`. */
  private search: { from: number; found: Promise<boolean> } | undefined;
  private moves = 0;

  constructor(
    private readonly hosts: readonly DatabaseHost<P>[],
    private readonly usable: NodeCheck<P>,
    private readonly log: (message: string) => void = () => undefined,
    start = 0,
  ) {
    if (hosts.length === 0) throw new Error('a failover pool needs a host');
    this.single = hosts.length === 1;
    this.index = start;
  }

  /** The pool statements go to now. */
  get current(): P {
    return this.hosts[this.index].pool;
  }

  get currentName(): string {
    return this.hosts[this.index].name;
  }

  get size(): number {
    return this.hosts.length;
  }

  /** How often the pool moved to another host since it opened. */
  get failovers(): number {
    return this.moves;
  }

  /** Whether a statement that failed with `error` may go to another host: there is one, and the error says its node cannot serve. */
  canMoveOn(error: unknown): boolean {
    return !this.single && isDatabaseUnavailable(error);
  }

  /**
   * After `error` on `pool`: resolves once a usable host is current (at once when another caller
   * has already moved away from `pool`); rejects with `error` when no host is usable.
   */
  moveOn(pool: P, error: unknown): Promise<void> {
    const from = this.hosts.findIndex((host) => host.pool === pool);
    if (from !== this.index) return Promise.resolve();
    return this.searchFrom(from, error).then((found) => {
      if (!found) throw error;
    });
  }

  /**
   * The readiness check: resolves when the current host is usable, or else another one, which
   * becomes current; rejects (with the current host's failure) only when no host is usable.
   */
  check(): Promise<void> {
    const pool = this.current;
    const checked = this.usable(this.hosts[this.index].checkPool ?? pool);
    if (this.single) return checked;
    return checked.catch((error: unknown) => this.moveOn(pool, error));
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.end?.()));
  }

  private searchFrom(from: number, cause: unknown): Promise<boolean> {
    if (this.search?.from === from) return this.search.found;
    const found = this.firstUsableAfter(from, cause).finally(() => {
      if (this.search?.from === from) this.search = undefined;
    });
    this.search = { from, found };
    return found;
  }

  /** Tries the hosts after `from` in order, then `from` itself; the first usable one becomes current. */
  private async firstUsableAfter(from: number, cause: unknown): Promise<boolean> {
    for (let step = 1; step <= this.hosts.length; step++) {
      const candidate = (from + step) % this.hosts.length;
      try {
        await this.usable(this.hosts[candidate].checkPool ?? this.hosts[candidate].pool);
      } catch {
        continue;
      }
      // a search started later may have moved already
      if (this.index === from && candidate !== from) {
        this.index = candidate;
        this.moves++;
        const reason = (cause as { code?: unknown } | null)?.code ?? (cause as Error | null)?.message ?? String(cause);
        this.log(`database host ${this.hosts[from].name} cannot serve (${String(reason)}); moved to ${this.hosts[candidate].name} (failover ${this.moves})`);
      }
      return true;
    }
    return false;
  }
}
