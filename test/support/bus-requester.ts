import { ClientMqtt, ClientNats, ClientProxy, ClientRMQ, ClientRedis } from '@nestjs/microservices';
import { lastValueFrom, timeout } from 'rxjs';
import { redisConnection } from '../../src/common/bus/redis-connection.js';

export type BusResult<T = any> = { ok: true; response: T } | { ok: false; error: { code: number; message: string; details: any[] } };

/** A caller of the API over the bus, with Nest's client of each transport, as a consuming service would use it. */
export class BusRequester {
  private constructor(private readonly client: Pick<ClientProxy, 'send' | 'close'>) {}

  static nats(url: string): BusRequester {
    return new BusRequester(new ClientNats({ servers: [url] }));
  }

  static rmq(url: string, queue: string): BusRequester {
    return new BusRequester(new ClientRMQ({ urls: [url], queue, queueOptions: { durable: true } }));
  }

  static redis(url: string): BusRequester {
    return new BusRequester(new ClientRedis({ ...redisConnection(url) }));
  }

  static mqtt(url: string): BusRequester {
    return new BusRequester(new ClientMqtt({ url }));
  }

  /** Sends `{metadata, request}` to `pattern` and waits (at most 10 s) for the reply. */
  async call<T = any>(pattern: string, request: unknown, options: { token?: string; orgId?: string } = {}): Promise<BusResult<T>> {
    const metadata: Record<string, string> = {};
    if (options.token) metadata.authorization = `Bearer ${options.token}`;
    if (options.orgId) metadata['x-zitadel-orgid'] = options.orgId;
    return this.send(pattern, { metadata, request });
  }

  /** Sends `envelope` as it is (for malformed input). */
  async send<T = any>(pattern: string, envelope: unknown): Promise<BusResult<T>> {
    try {
      return { ok: true, response: await lastValueFrom(this.client.send(pattern, envelope).pipe(timeout(10_000))) };
    } catch (error) {
      return { ok: false, error: error as { code: number; message: string; details: any[] } };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
