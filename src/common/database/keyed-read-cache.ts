import { KeyedRead } from './keyed-read.js';
import { SqlParam } from './sql.js';

/** After the state changed, how long the cache stays unused by default (writes tend to come in bursts). */
const QUIET_MS = 100;
/** Rows kept by default: an org read is kept once per view its callers ask for (10,000 orgs read through up to five views). */
export const KEPT_ROWS = 50_000;

/** Where a kept row is filed, so the oldest can leave (never touched by a lookup). */
interface Filing {
  readonly level: Level;
  readonly key: string;
}

/**
 * The answers of one read: per scope parameter a level down, the answers by key at the bottom.
 * `answers` holds the values themselves, so a lookup touches nothing but that map and the value:
 * with 10,000 keys in use, each extra object on the way is a likely cache miss per read.
 */
interface Level {
  readonly below: Map<SqlParam, Level>;
  readonly answers: Map<string, unknown>;
  readonly filings: Map<string, Filing>;
}

const newLevel = (): Level => ({ below: new Map(), answers: new Map(), filings: new Map() });

/**
 * Answers of keyed reads (what their rows decoded to), kept for one generation of the database's
 * committed state: a row read at generation G is the answer for as long as the state is at G, and
 * everything kept goes when a newer generation shows up, so every kept answer is at `generation`.
 * The cache says nothing about whether the state is still there: the caller asks the database
 * (GenerationCheck on MySQL, the wal-index header on SQLite) before it uses a kept answer. Where
 * that check costs a round trip, nothing is offered while the state keeps changing (a newer
 * generation less than `quietMs` ago), since a check would only find the rows outdated. Bounded:
 * beyond `capacity` rows the oldest kept go first.
 *
 * Rows are filed by read, then by each scope parameter, then by key: a lookup builds no key of
 * its own and probes one large map only (the keys), which matters with many keys in use.
 */
export class KeyedReadCache {
  private current = -1;
  private quiet = false;
  private quietTimer?: NodeJS.Timeout;
  private readonly reads = new Map<KeyedRead<unknown>, Level>();
  /** Every kept row, oldest first. */
  private readonly order = new Set<Filing>();

  constructor(
    private readonly capacity = KEPT_ROWS,
    private readonly quietMs = QUIET_MS,
  ) {}

  /** The generation every kept answer is the answer at (-1 before the first). */
  get generation(): number {
    return this.current;
  }

  /** Whether any answer is offered now (some are kept and the state is not changing). */
  get offering(): boolean {
    return !this.quiet && this.order.size !== 0;
  }

  /** The kept answer (undefined when none is, or while the state keeps changing; an undefined value is never offered). */
  lookup<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): T | undefined {
    if (!this.offering) return undefined;
    let level = this.reads.get(read);
    for (let i = 0; level !== undefined && i < scope.length; i++) level = level.below.get(scope[i]);
    return level?.answers.get(key) as T | undefined;
  }

  /** Keeps `value`, decoded from a row read when the state was at `generation` (an older one than the cache's is not kept). */
  keep<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string, value: T, generation: number): void {
    this.advance(generation);
    if (generation !== this.current) return;
    const level = this.levelOf(read, scope);
    const replaced = level.filings.get(key);
    if (replaced !== undefined) this.order.delete(replaced);
    else if (this.order.size >= this.capacity) this.forgetOldest();
    const filing: Filing = { level, key };
    level.filings.set(key, filing);
    level.answers.set(key, value);
    this.order.add(filing);
  }

  /** The state is at `generation` now: when that is newer, every row kept before goes. */
  advance(generation: number): void {
    if (generation <= this.current) return;
    this.current = generation;
    this.reads.clear();
    this.order.clear();
    if (this.quietMs === 0) return;
    this.quiet = true;
    // one timer, pushed back by every change: the cache is offered again once changes stop
    if (this.quietTimer === undefined) {
      this.quietTimer = setTimeout(() => (this.quiet = false), this.quietMs);
      this.quietTimer.unref();
    } else {
      this.quietTimer.refresh();
    }
  }

  private forgetOldest(): void {
    const oldest = this.order.values().next().value as Filing;
    this.order.delete(oldest);
    oldest.level.filings.delete(oldest.key);
    oldest.level.answers.delete(oldest.key);
  }

  private levelOf(read: KeyedRead<unknown>, scope: readonly SqlParam[]): Level {
    let level: Level | undefined = this.reads.get(read);
    if (level === undefined) this.reads.set(read, (level = newLevel()));
    for (const param of scope) {
      let next: Level | undefined = level.below.get(param);
      if (next === undefined) level.below.set(param, (next = newLevel()));
      level = next;
    }
    return level;
  }
}
