/**
 * Callers of verified tokens, by the `authorization` value they came in, so a token is verified
 * (signature, claims, roles) once and not on every request. Bounded: at most `capacity` entries,
 * the least recently used one leaves first. An entry is never used at or after its `expiresAt`
 * (the token's `exp`, or earlier). Only successes are stored: a token that failed is checked again
 * each time (it may become valid, e.g. when the issuer publishes its key).
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (now >= entry.expiresAt) return undefined;
    // re-inserted: the Map's order is the order of last use
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, expiresAt: number): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, expiresAt });
  }
}
