/** One key's budget: the requests it may still make at `at` (ms), fractions included. */
class Bucket {
  constructor(
    public tokens: number,
    public at: number,
    /** Whether its last request was refused (a refusal is logged when a key starts being refused). */
    public refusing = false,
  ) {}
}

/** What `take` answers: 0 when the request may go on, else the whole seconds until one could. */
export type RetryAfterSeconds = number;

/** How the limiter reads the time (ms); tests pass their own. */
export type Clock = () => number;

/**
 * A token bucket per key: each key may make `burst` requests at once and `perSecond` a second
 * after that. Kept in one map of small objects, so that the hot path (a caller well under its
 * limit) costs one map lookup and a few additions. The map holds at most `maxKeys` keys; when it
 * is full, the key that came first is forgotten (its next request starts with a full bucket), and
 * a sweep every minute forgets the keys whose bucket is full again (idle ones).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private sweeper?: NodeJS.Timeout;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly maxKeys = 100_000,
    private readonly now: Clock = Date.now,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new Error(`a rate limit needs perSecond > 0 and burst >= 1 (got ${perSecond}, ${burst})`);
    this.perMs = perSecond / 1000;
  }

  /** Takes one request from `key`'s budget; when none is left, nothing is taken and the wait is answered. */
  take(key: string): RetryAfterSeconds {
    const now = this.now();
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.remember(key, new Bucket(this.burst - 1, now));
      return 0;
    }
    const tokens = this.refilled(bucket, now);
    bucket.at = now;
    if (tokens >= 1) {
      bucket.tokens = tokens - 1;
      bucket.refusing = false;
      return 0;
    }
    bucket.tokens = tokens;
    return this.secondsUntilOne(tokens);
  }

  /** The wait `take` would answer, without taking anything. */
  peek(key: string): RetryAfterSeconds {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return 0;
    const tokens = this.refilled(bucket, this.now());
    return tokens >= 1 ? 0 : this.secondsUntilOne(tokens);
  }

  /** Marks `key` as refused; true the first time after it was last let through (so a burst of refusals is logged once). */
  startsRefusing(key: string): boolean {
    const bucket = this.buckets.get(key);
    if (bucket === undefined || bucket.refusing) return false;
    bucket.refusing = true;
    return true;
  }

  /** How many keys are remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Forgets idle keys every minute, until `stop`; the timer does not keep the process alive. */
  start(): void {
    this.sweeper ??= setInterval(() => this.sweep(), 60_000).unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Forgets the keys whose bucket is full again: their next request would find it so anyway. */
  sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) if (this.refilled(bucket, now) >= this.burst) this.buckets.delete(key);
  }

  private remember(key: string, bucket: Bucket): void {
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(key, bucket);
  }

  private refilled(bucket: Bucket, now: number): number {
    // a clock that went back refills nothing
    return Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
  }

  private secondsUntilOne(tokens: number): RetryAfterSeconds {
    return Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }
}
