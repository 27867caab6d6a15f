import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { assertError } from '../support/assertions.js';
import { LocalBroker, missingBroker } from '../support/brokers.js';
import { assertInOrderWithoutGaps, captureInStream, deliveries, waitFor } from '../support/bus-events.js';
import { storedEvents } from '../support/every-change.js';
import { readMetric } from '../support/metrics.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const ADMIN = '/admin/v1/policies/login';
const MGMT = '/management/v1/policies/login';

const metric = (app: TestApp, name: string) => readMetric(app.url, name);

/** Toggles one factor on the instance (OTP_EMAIL) or an org (OTP_SMS) `times` times, one change after the other. */
async function toggle(app: TestApp, token: string, times: number, orgId?: string): Promise<number[]> {
  const [base, type] = orgId ? [MGMT, 'SECOND_FACTOR_TYPE_OTP_SMS'] : [ADMIN, 'SECOND_FACTOR_TYPE_OTP_EMAIL'];
  const headers = orgId ? orgHeader(orgId) : {};
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const response =
      i % 2 === 0
        ? await app.request('POST', `${base}/second_factors`, { token, headers, body: { type } })
        : await app.request('DELETE', `${base}/second_factors/${type}`, { token, headers });
    statuses.push(response.status);
  }
  return statuses;
}

describe('events survive a bus outage', { skip: missingBroker('nats-server') }, () => {
  it('200 changes while NATS is down all answer 200, wait in the outbox, and all arrive in per-aggregate order once NATS is back', async (t) => {
    const broker = await LocalBroker.nats();
    const stream = await captureInStream(broker.url);
    const app = await TestApp.start({ env: { BUS_TRANSPORT: 'nats', BUS_URL: broker.url, BUS_REQUESTS: 'false' } });
    try {
      const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      const orgs: string[] = [];
      for (let i = 0; i < 4; i++) {
        const org = await createOrg(app, token, `Outage ${i}`);
        const custom = await app.request('POST', MGMT, { token, headers: orgHeader(org), body: { allowUsernamePassword: true, secondFactors: [1] } });
        assert.equal(custom.status, 200);
        orgs.push(org);
      }
      const before = await storedEvents(app, token);
      await waitFor(async () => (await stream.count()) === before.length, `the ${before.length} events before the outage`);
      const lastBefore = Number(before[before.length - 1].position);

      await broker.stop();
      await waitFor(async () => (await metric(app, 'bus_connected')) === 0, 'the service to notice the outage');
      // five aggregates (the instance and four orgs), 40 changes each, the chains side by side
      const chains = await Promise.all([toggle(app, token, 40), ...orgs.map((org) => toggle(app, token, 40, org))]);
      assert.deepEqual(chains.flat(), Array(200).fill(200), 'every change answered 200 during the outage');
      const during = (await storedEvents(app, token)).filter((event) => Number(event.position) > lastBefore);
      assert.equal(during.length, 200);
      await waitFor(async () => (await metric(app, 'outbox_backlog_events')) === 200, 'a backlog of 200 (nothing reached the broker)');
      await waitFor(async () => (await metric(app, 'outbox_publish_failures_total')) > 0, 'failed publish rounds to be counted');
      const ready = await app.request('GET', '/debug/ready');
      assertError(ready, 503, 14);
      assert.equal(ready.body.message, 'Service unavailable: the message bus is not connected (nats: events disconnected)');

      await broker.start();
      const all = before.length + 200;
      await waitFor(async () => (await stream.count()) >= all, `all ${all} events in the stream`, 30_000);
      const received = (await stream.read()).filter((event) => Number(event.body.position) > lastBefore);
      const { unique, sequences, duplicates } = deliveries(received);
      assert.equal(unique.size, 200, 'all 200 events arrived');
      t.diagnostic(`received ${received.length} messages for the 200 events (${duplicates} duplicates)`);
      for (const event of during) {
        assert.deepEqual(unique.get(`${event.aggregateId}/${event.sequence}`)?.body, event, `event ${event.position} arrived as stored`);
      }
      assertInOrderWithoutGaps(sequences);
      assert.equal(sequences.size, 5);
      await waitFor(async () => (await metric(app, 'outbox_backlog_events')) === 0, 'an empty outbox');
      assert.equal((await app.request('GET', '/debug/ready')).status, 200);
    } finally {
      await app.close();
      await broker.remove();
    }
  });

  it('events stored while NATS was down are published after the service itself restarted in between', async () => {
    const broker = await LocalBroker.nats();
    const stream = await captureInStream(broker.url);
    const env = { BUS_TRANSPORT: 'nats', BUS_URL: broker.url, BUS_REQUESTS: 'false' };
    const first = await TestApp.start({ env });
    let second: TestApp | undefined;
    try {
      const token = await developmentToken(first.config, { roles: ['IAM_OWNER'] });
      const before = await storedEvents(first, token);
      await waitFor(async () => (await stream.count()) === before.length, 'the seed events');
      await broker.stop();
      assert.deepEqual(await toggle(first, token, 20), Array(20).fill(200));
      await first.close({ keepData: true });

      second = await TestApp.start({ env, dataDir: first.dataDir });
      await broker.start();
      const stored = await storedEvents(second, token);
      assert.equal(stored.length, before.length + 20);
      await waitFor(async () => (await stream.count()) >= stored.length, `all ${stored.length} events`, 30_000);
      const received = await stream.read();
      const { unique, sequences } = deliveries(received);
      assert.equal(unique.size, stored.length);
      assert.deepEqual([...sequences.keys()], [stored[0].aggregateId]);
      assertInOrderWithoutGaps(sequences, 1);
    } finally {
      await second?.close();
      await rm(first.dataDir, { recursive: true, force: true }); // the second app did not own it
      await broker.remove();
    }
  });
});
