/**
 * The service's REST API for SETUP only (creating orgs and policies, capturing an answer). Timed
 * load never goes through here: it comes from wrk in its own process.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T = unknown>(method: string, path: string, options: { org?: string; body?: unknown } = {}): Promise<T> {
    const { text } = await this.answerText(method, path, options);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A 2xx answer's text as sent, with its content type (anything else throws). */
  async answerText(method: string, path: string, options: { org?: string; body?: unknown } = {}): Promise<{ text: string; contentType: string }> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}${options.org ? ` for org ${options.org}` : ''} answered ${response.status}: ${text.slice(0, 300)}`);
    return { text, contentType: response.headers.get('content-type') ?? '' };
  }

  send(method: string, path: string, options: { org?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (options.org) headers['x-zitadel-orgid'] = options.org;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  }
}

/** Runs `work` on every item with at most `limit` of them in flight; results in item order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
