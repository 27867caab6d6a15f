import { KeyedRead } from './keyed-read.js';
import { SqlParam, SqlRow } from './sql.js';

/** After the state changed, how long the cache stays unused (writes tend to come in bursts). */
const QUIET_MS = 100;

/** Where a kept row was found: the row, and the generation it is the answer at. */
export interface KeptRow {
  row: SqlRow;
  generation: number;
}

/**
 * Rows of keyed reads, kept for one generation of the database's committed state: a row read at
 * generation G is the answer for as long as the state is at G, and everything kept goes when a
 * newer generation shows up. The cache says nothing about whether the state is still at G: the
 * caller asks the database (GenerationCheck) before it uses a kept row. While the state keeps
 * changing (a newer generation less than QUIET_MS ago) nothing is offered, since a check would
 * only find the rows outdated. Bounded: beyond `capacity` rows the oldest kept go first.
 */
export class KeyedReadCache {
  private generation = -1;
  private changedAt = -Infinity;
  private readonly rows = new Map<string, KeptRow>();
  private readonly ids = new Map<KeyedRead, number>();

  constructor(private readonly capacity: number) {}

  lookup(read: KeyedRead, scope: readonly SqlParam[], key: string): KeptRow | undefined {
    if (this.rows.size === 0 || performance.now() - this.changedAt < QUIET_MS) return undefined;
    return this.rows.get(this.entryKey(read, scope, key));
  }

  /** Keeps `row`, read when the state was at `generation` (an older one than the cache's is not kept). */
  keep(read: KeyedRead, scope: readonly SqlParam[], key: string, row: SqlRow, generation: number): void {
    this.advance(generation);
    if (generation !== this.generation) return;
    const entryKey = this.entryKey(read, scope, key);
    this.rows.delete(entryKey);
    if (this.rows.size >= this.capacity) this.rows.delete(this.rows.keys().next().value as string);
    this.rows.set(entryKey, { row, generation });
  }

  /** The state is at `generation` now: when that is newer, every row kept before goes. */
  advance(generation: number): void {
    if (generation <= this.generation) return;
    this.generation = generation;
    this.changedAt = performance.now();
    this.rows.clear();
  }

  private entryKey(read: KeyedRead, scope: readonly SqlParam[], key: string): string {
    let id = this.ids.get(read);
    if (id === undefined) this.ids.set(read, (id = this.ids.size));
    return scope.length === 1 ? `${id}\u0000${String(scope[0])}\u0000${key}` : `${id}\u0000${scope.join('\u0000')}\u0000${key}`;
  }
}
