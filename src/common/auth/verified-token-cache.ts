/**
 * Callers of verified tokens, by the `authorization` value they came in, so a token is verified
 * (signature, claims, roles) once and not on every request. Bounded: at most `capacity` entries.
 * When one must leave, entries are passed over from the oldest: one used since it was stored (or
 * last passed over) gets a second chance at the end, the first one not used leaves (the "clock"
 * approximation of least recently used). A hit only marks its entry: moving it to the Map's end on
 * every request, as an exact LRU does, made V8 rebuild the long-lived Map's table in the old
 * generation again and again, about 70% of all the bytes that outlived young-generation collections
 * under a read load, which brought on the full collections behind read p99.
 * An entry is never used at or after its `expiresAt` (the token's `exp`, or earlier). Only successes
 * are stored: a token that failed is checked again each time (it may become valid, e.g. when the
 * issuer publishes its key).
 */
export class VerifiedTokenCache<T> {
  /** By the last characters of the value (see `slotOf`); each entry holds the whole value it was stored for. */
  private readonly entries = new Map<string, { key: string; value: T; expiresAt: number; used: boolean }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): T | undefined {
    const slot = slotOf(key);
    const entry = this.entries.get(slot);
    // another value with the same last characters is not this one
    if (entry === undefined || entry.key !== key) return undefined;
    if (now >= entry.expiresAt) {
      this.entries.delete(slot);
      return undefined;
    }
    entry.used = true;
    return entry.value;
  }

  set(key: string, value: T, expiresAt: number): void {
    if (this.capacity <= 0) return;
    const slot = slotOf(key);
    this.entries.delete(slot);
    while (this.entries.size >= this.capacity) this.evictOne();
    this.entries.set(slot, { key, value, expiresAt, used: false });
  }

  /** Removes the oldest entry not used since it was stored or last passed over; the used ones it passes move to the end, unmarked. */
  private evictOne(): void {
    for (const [slot, entry] of this.entries) {
      this.entries.delete(slot);
      if (!entry.used) return;
      entry.used = false;
      this.entries.set(slot, entry);
    }
  }
}

/** Characters of a value that pick its entry: the end of a token's signature, which differs from token to token. */
const SLOT_CHARS = 32;

/**
 * Where a value is kept. A Map hashes its key string in full, and a request's token is a new
 * string each time (hundreds of characters): hashing only its end costs a tenth of that. Two
 * values with the same end share a slot, and the entry's whole value decides whether it matches.
 */
function slotOf(key: string): string {
  return key.length <= SLOT_CHARS ? key : key.slice(-SLOT_CHARS);
}
