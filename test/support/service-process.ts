import { ChildProcess } from 'node:child_process';
import { readMetric } from './metrics.js';
import { freePort, outputOf, startService, stop } from './processes.js';

export interface CallResult {
  status: number;
  body: any;
}

/** A service started as its own process (as `npm start` runs it) on a free port, and how to call it. */
export class ServiceProcess {
  private constructor(
    readonly process: ChildProcess,
    readonly url: string,
  ) {}

  static async start(env: Record<string, string>): Promise<ServiceProcess> {
    const port = await freePort();
    return new ServiceProcess(await startService(env, port), `http://127.0.0.1:${port}`);
  }

  async call(method: string, path: string, token: string, body?: object, orgId?: string): Promise<CallResult> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (orgId) headers['x-zitadel-orgid'] = orgId;
    const response = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }

  /** Its log lines and stderr so far. */
  output(): string {
    return outputOf(this.process);
  }

  metric(name: string): Promise<number> {
    return readMetric(this.url, name);
  }

  stop(): Promise<number | null> {
    return stop(this.process);
  }
}
