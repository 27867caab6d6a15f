import { KeyedRead } from './keyed-read.js';
import { SqlParam } from './sql.js';

/** After the state changed, how long the cache stays unused by default (writes tend to come in bursts). */
const QUIET_MS = 100;
/** Rows kept by default. */
export const KEPT_ROWS = 20_000;

/** Where a kept answer was found: what the read's row decoded to, and the generation it is the answer at. */
export interface KeptAnswer<T = unknown> {
  readonly value: T;
  readonly generation: number;
}

/** A kept answer, and where it is filed (so the oldest can leave). */
interface Entry extends KeptAnswer {
  readonly shelf: Map<string, Entry>;
  readonly key: string;
}

/** The answers of one read: per scope parameter a level down, the answers by key at the bottom. */
interface Level {
  readonly below: Map<SqlParam, Level>;
  readonly rows: Map<string, Entry>;
}

const newLevel = (): Level => ({ below: new Map(), rows: new Map() });

/**
 * Answers of keyed reads (what their rows decoded to), kept for one generation of the database's
 * committed state: a row read at generation G is the answer for as long as the state is at G, and
 * everything kept goes when a newer generation shows up. The cache says nothing about whether the
 * state is still at G: the caller asks the database (GenerationCheck on MySQL, the wal-index header
 * on SQLite) before it uses a kept answer. Where that check costs a round trip, nothing is offered while the state keeps
 * changing (a newer generation less than `quietMs` ago), since a check would only find the rows
 * outdated. Bounded: beyond `capacity` rows the oldest kept go first.
 *
 * Rows are filed by read, then by each scope parameter, then by key: a lookup builds no key of
 * its own and probes one large map only (the keys), which matters with many keys in use.
 */
export class KeyedReadCache {
  private generation = -1;
  private quiet = false;
  private quietTimer?: NodeJS.Timeout;
  private readonly reads = new Map<KeyedRead<unknown>, Level>();
  /** Every kept row, oldest first. */
  private readonly order = new Set<Entry>();

  constructor(
    private readonly capacity = KEPT_ROWS,
    private readonly quietMs = QUIET_MS,
  ) {}

  lookup<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string): KeptAnswer<T> | undefined {
    if (this.quiet || this.order.size === 0) return undefined;
    let level = this.reads.get(read);
    for (let i = 0; level !== undefined && i < scope.length; i++) level = level.below.get(scope[i]);
    return level?.rows.get(key) as KeptAnswer<T> | undefined;
  }

  /** Keeps `value`, decoded from a row read when the state was at `generation` (an older one than the cache's is not kept). */
  keep<T>(read: KeyedRead<T>, scope: readonly SqlParam[], key: string, value: T, generation: number): void {
    this.advance(generation);
    if (generation !== this.generation) return;
    const shelf = this.shelfOf(read, scope);
    const replaced = shelf.get(key);
    if (replaced !== undefined) this.order.delete(replaced);
    if (this.order.size >= this.capacity) {
      const oldest = this.order.values().next().value as Entry;
      this.order.delete(oldest);
      oldest.shelf.delete(oldest.key);
    }
    const entry: Entry = { value, generation, shelf, key };
    shelf.set(key, entry);
    this.order.add(entry);
  }

  /** The state is at `generation` now: when that is newer, every row kept before goes. */
  advance(generation: number): void {
    if (generation <= this.generation) return;
    this.generation = generation;
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

  private shelfOf(read: KeyedRead<unknown>, scope: readonly SqlParam[]): Map<string, Entry> {
    let level: Level | undefined = this.reads.get(read);
    if (level === undefined) this.reads.set(read, (level = newLevel()));
    for (const param of scope) {
      let next: Level | undefined = level.below.get(param);
      if (next === undefined) level.below.set(param, (next = newLevel()));
      level = next;
    }
    return level.rows;
  }
}
