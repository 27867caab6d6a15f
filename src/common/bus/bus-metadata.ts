/**
 * The `metadata` of a request that arrived on the bus (`authorization`, `x-zitadel-orgid`),
 * read the way gRPC metadata is read, so the guard and the parameter decorators serve both
 * doors unchanged. Keys are matched without regard to case, so `Authorization` and
 * `authorization` in one request are one key with two values, as a repeated header is.
 */
export class BusMetadata {
  private readonly values = new Map<string, string[]>();

  constructor(
    /** The request pattern, for logs. */
    readonly pattern: string,
    metadata: unknown,
  ) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return;
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') continue;
      const name = key.toLowerCase();
      const known = this.values.get(name);
      if (known) known.push(value);
      else this.values.set(name, [value]);
    }
  }

  get(key: string): string[] {
    return this.values.get(key.toLowerCase()) ?? [];
  }
}
