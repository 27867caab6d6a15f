/**
 * The routes the HTTP server knows, collected as Fastify registers them, so that a request for a
 * known path with the wrong method can be answered 405 (Fastify alone says 404).
 */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(url: string, method: string | string[]): void {
    const source = url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escape(segment)))
      .join('/');
    // Fastify tells `/a` from `/a/` (no ignoreTrailingSlash), so a path with a slash added is another path
    const pattern = new RegExp(`^${source}$`);
    const existing = this.routes.find((route) => route.pattern.source === pattern.source);
    const methods = existing?.methods ?? new Set<string>();
    for (const m of Array.isArray(method) ? method : [method]) methods.add(m.toUpperCase());
    if (!existing) this.routes.push({ pattern, methods });
  }

  /** The methods allowed on `path`, or an empty list when no route has that path. */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) route.methods.forEach((m) => methods.add(m));
    }
    // HEAD comes with GET; OPTIONS is the CORS preflight route every path has
    methods.delete('HEAD');
    methods.delete('OPTIONS');
    return [...methods].sort();
  }
}

function escape(segment: string): string {
  return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
