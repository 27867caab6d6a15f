// What a read costs on each door of the HTTP port: REST JSON, gRPC-web binary and gRPC-web text.
//
//   npm run build && node dist/bench/http-doors.js [seconds=10] [clients=20]
//
// Starts the service as its own process (embedded SQLite) and, from this process, keeps
// `clients` keep-alive connections busy with ListLoginPolicySecondFactors on the instance for
// `seconds` per door, after a 2 s warm-up. Prints calls/s and latency percentiles per door, and
// the service's rss after the run. Prints figures; it is not a test.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevelopmentKey } from '../src/common/auth/development-key.js';
import { signDevelopmentToken } from '../src/common/auth/development-token.js';
import { DEVELOPMENT_ISSUER, DEVELOPMENT_KEY_FILE_NAME } from '../src/common/config/load-config.js';
import { freePort, startService, stop } from '../test/support/processes.js';

const SECONDS = Number(process.argv[2] ?? 10);
const CLIENTS = Number(process.argv[3] ?? 20);
const EMPTY_FRAME = Buffer.from([0, 0, 0, 0, 0]);

interface Door {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Whether an answer is a success (gRPC-web answers 200 either way: the status is in the trailers). */
  ok: (status: number, body: Buffer) => boolean;
}

const grpcOk = (body: Buffer) => body.includes('grpc-status:0\r\n');

async function drive(base: string, door: Door, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const response = await fetch(`${base}${door.path}`, { method: 'POST', headers: door.headers, body: door.body });
        const body = Buffer.from(await response.arrayBuffer());
        if (!door.ok(response.status, door.name === 'gRPC-web text' ? Buffer.from(body.toString('latin1'), 'base64') : body)) {
          throw new Error(`${door.name} answered ${response.status}: ${body.toString('latin1').slice(0, 200)}`);
        }
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

function percentile(sorted: number[], p: number): string {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lpf-bench-'));
  const port = await freePort();
  const service = await startService({ DATA_DIR: dataDir }, port);
  try {
    const key = await loadOrCreateDevelopmentKey(join(dataDir, DEVELOPMENT_KEY_FILE_NAME));
    const token = await signDevelopmentToken(key, { subject: 'bench', roles: ['IAM_OWNER'], issuer: DEVELOPMENT_ISSUER, expiresIn: '1h' });
    const authorization = `Bearer ${token}`;
    const doors: Door[] = [
      {
        name: 'REST',
        path: '/admin/v1/policies/login/second_factors/_search',
        headers: { authorization, 'content-type': 'application/json' },
        body: '{}',
        ok: (status) => status === 200,
      },
      {
        name: 'gRPC-web binary',
        path: '/zitadel.admin.v1.AdminService/ListLoginPolicySecondFactors',
        headers: { authorization, 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' },
        body: EMPTY_FRAME,
        ok: (status, body) => status === 200 && grpcOk(body),
      },
      {
        name: 'gRPC-web text',
        path: '/zitadel.admin.v1.AdminService/ListLoginPolicySecondFactors',
        headers: { authorization, 'content-type': 'application/grpc-web-text', 'x-grpc-web': '1' },
        body: EMPTY_FRAME.toString('base64'),
        ok: (status, body) => status === 200 && grpcOk(body),
      },
    ];
    const base = `http://127.0.0.1:${port}`;
    console.log(`ListLoginPolicySecondFactors on the instance, ${CLIENTS} keep-alive clients, ${SECONDS} s per door (service in its own process, SQLite)`);
    for (const door of doors) {
      await drive(base, door, 2);
      const latencies = (await drive(base, door, SECONDS)).sort((a, b) => a - b);
      const rate = (latencies.length / SECONDS).toFixed(0);
      console.log(`  ${door.name.padEnd(16)} ${rate.padStart(6)} calls/s   p50 ${percentile(latencies, 50)} ms   p99 ${percentile(latencies, 99)} ms`);
    }
    const status = await fetch(`${base}/debug/metrics`).then((r) => r.text());
    const rss = /^process_resident_memory_bytes (\d+)/m.exec(status)?.[1];
    if (rss) console.log(`  service rss after the run: ${(Number(rss) / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await stop(service);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
