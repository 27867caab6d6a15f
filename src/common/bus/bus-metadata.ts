/**
 * The `metadata` of a request that arrived on the bus (`authorization`, `x-zitadel-orgid`),
 * read the way gRPC metadata is read, so the guard and the parameter decorators serve both
 * doors unchanged. Keys are matched without regard to case.
 */
export class BusMetadata {
  private readonly values = new Map<string, string>();

  constructor(
    /** The request pattern, for logs. */
    readonly pattern: string,
    metadata: unknown,
  ) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return;
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value === 'string') this.values.set(key.toLowerCase(), value);
    }
  }

  get(key: string): string[] {
    const value = this.values.get(key.toLowerCase());
    return value === undefined ? [] : [value];
  }
}
