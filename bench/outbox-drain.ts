// How fast the outbox relay empties a backlog into NATS, and what the outbox costs a change.
//
//   npm run build && node dist/bench/outbox-drain.js [changes=5000] [database=sqlite|mysql] [bus|no-bus]
//
// 1. Times N factor changes over HTTP (20 orgs side by side) with the bus configured and the
//    broker down, so every event waits in the outbox: the price of writing it.
// 2. Starts the broker and times the reconnect and the relay publishing the whole backlog
//    (events/s), as a JetStream stream on zitadel.events.> counts them.
// With no-bus, only step 1 runs, without a bus: the baseline for the price of the outbox.
// Prints figures; it is not a test. mysql needs TEST_DATABASE_URL.
import 'reflect-metadata';
import { LocalBroker } from '../test/support/brokers.js';
import { captureInStream, waitFor } from '../test/support/bus-events.js';
import { readMetric } from '../test/support/metrics.js';
import { createOrg, orgHeader } from '../test/support/orgs.js';
import { TestApp } from '../test/support/test-app.js';
import { developmentToken } from '../test/support/tokens.js';

const CHANGES = Number(process.argv[2] ?? 5000);
const DATABASE = (process.argv[3] ?? 'sqlite') as 'sqlite' | 'mysql';
const WITH_BUS = process.argv[4] !== 'no-bus';
const ORGS = 20;

async function main(): Promise<void> {
  const broker = await LocalBroker.nats();
  const stream = await captureInStream(broker.url);
  const env = WITH_BUS ? { BUS_TRANSPORT: 'nats', BUS_URL: broker.url, BUS_REQUESTS: 'false' } : {};
  const app = await TestApp.start({ database: DATABASE, env });
  try {
    const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    const orgs: string[] = [];
    for (let i = 0; i < ORGS; i++) {
      const org = await createOrg(app, token, `Bench ${i}`);
      await app.request('POST', '/management/v1/policies/login', { token, headers: orgHeader(org), body: { secondFactors: [1] } });
      orgs.push(org);
    }
    if (WITH_BUS) await waitFor(async () => (await readMetric(app.url, 'outbox_backlog_events')) === 0, 'the set-up events to leave');
    const before = await stream.count();
    await broker.stop();

    const perOrg = Math.ceil(CHANGES / ORGS);
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      orgs.map(async (org) => {
        for (let i = 0; i < perOrg; i++) {
          const t = performance.now();
          const response =
            i % 2 === 0
              ? await app.request('POST', '/management/v1/policies/login/second_factors', { token, headers: orgHeader(org), body: { type: 4 } })
              : await app.request('DELETE', '/management/v1/policies/login/second_factors/4', { token, headers: orgHeader(org) });
          if (response.status !== 200) throw new Error(`change answered ${response.status}`);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const writeSeconds = (performance.now() - started) / 1000;
    const total = perOrg * ORGS;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
    const backlog = WITH_BUS ? `outbox backlog ${await readMetric(app.url, 'outbox_backlog_events')}` : 'no bus';
    console.log(`database: ${DATABASE}; ${total} changes over HTTP by ${ORGS} clients${WITH_BUS ? ' while NATS was down' : ', no bus configured'}`);
    console.log(`  writes: ${(total / writeSeconds).toFixed(0)} changes/s, latency p50 ${pct(50)} ms, p99 ${pct(99)} ms; ${backlog}`);
    if (!WITH_BUS) return;

    const restart = performance.now();
    await broker.start();
    await waitFor(async () => (await stream.count()) > before, 'the first event after the restart', 60_000);
    const firstArrival = performance.now();
    const countAtFirst = (await stream.count()) - before;
    await waitFor(async () => (await stream.count()) >= before + total, `${total} events in the stream`, 600_000);
    const done = performance.now();

    console.log(`  back:   first event in the stream ${((firstArrival - restart) / 1000).toFixed(2)} s after the broker started (reconnect)`);
    console.log(`  drain:  all ${total} events ${((done - restart) / 1000).toFixed(2)} s after; relay throughput ${((total - countAtFirst) / ((done - firstArrival) / 1000)).toFixed(0)} events/s`);
    console.log(`  memory: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (bench and service in one process)`);
  } finally {
    await app.close();
    await broker.remove();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
