import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, startListening } from '../../src/app.factory.js';
import { AppConfig } from '../../src/common/config/app-config.js';
import { Environment, loadConfig } from '../../src/common/config/load-config.js';
import { DatabaseKind, createMysqlDatabase } from './databases.js';

export interface StartOptions {
  database?: DatabaseKind;
  /** Reuse a data directory / database of an earlier start (restart tests). */
  dataDir?: string;
  databaseUrl?: string;
  env?: Environment;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed input). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** The real service listening on a free port of 127.0.0.1, on its own fresh database. */
export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    readonly url: string,
    readonly dataDir: string,
    readonly databaseUrl: string | undefined,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(options: StartOptions = {}): Promise<TestApp> {
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'lpf-test-')));
    let databaseUrl = options.databaseUrl;
    let dropDatabase = async () => {};
    if (options.database === 'mysql' && !databaseUrl) {
      const created = await createMysqlDatabase();
      databaseUrl = created.url;
      dropDatabase = created.drop;
    }
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      GRPC_PORT: '0',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...options.env,
    });
    const app = await createApp(config);
    await startListening(app, config, '127.0.0.1', 0);
    const address = app.getHttpServer().address() as { port: number };
    const ownsDataDir = options.dataDir === undefined;
    return new TestApp(app, config, `http://127.0.0.1:${address.port}`, dataDir, databaseUrl, async () => {
      await dropDatabase();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    });
  }

  /** The gRPC address, when the app was started with a GRPC_PORT. */
  get grpcAddress(): string {
    if (this.config.grpcPort === 0) throw new Error('this app was started without gRPC (pass GRPC_PORT)');
    return `127.0.0.1:${this.config.grpcPort}`;
  }

  /** Stops the app; `keepData` leaves its database for a restart. */
  async close(options: { keepData?: boolean } = {}): Promise<void> {
    await this.app.close();
    if (!options.keepData) await this.cleanup();
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}
