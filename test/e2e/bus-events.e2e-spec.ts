import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RFC3339_MS } from '../support/assertions.js';
import { LocalBroker, RABBITMQ_URL, missingBroker } from '../support/brokers.js';
import { EventCollector, ReceivedEvent, collectMqtt, collectNats, collectRabbitMq, collectRedis, waitFor } from '../support/bus-events.js';
import { EVENT_TYPES, makeEveryKindOfChange, storedEvents } from '../support/every-change.js';
import { readMetric } from '../support/metrics.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

interface Transport {
  name: string;
  skip?: string;
  /** The broker URL (starting a broker of the test's own where it can). */
  broker(): Promise<{ url: string; remove(): Promise<void> }>;
  collect(url: string): Promise<EventCollector>;
  /** Where an event of this type must arrive. */
  destination(eventType: string): string;
}

const subject = (eventType: string) => `zitadel.events.${eventType}`;
const shared = (url: string) => async () => ({ url, remove: async () => {} });

const FULL: Transport[] = [
  { name: 'NATS', skip: missingBroker('nats-server'), broker: () => LocalBroker.nats(), collect: collectNats, destination: subject },
  {
    name: 'RabbitMQ',
    skip: RABBITMQ_URL ? undefined : 'TEST_RABBITMQ_URL is not set',
    broker: shared(RABBITMQ_URL ?? ''),
    collect: collectRabbitMq,
    destination: (eventType) => eventType,
  },
];

const SMOKE: Transport[] = [
  { name: 'Redis', skip: missingBroker('redis-server'), broker: () => LocalBroker.redis(), collect: collectRedis, destination: subject },
  { name: 'MQTT', skip: missingBroker('mosquitto'), broker: () => LocalBroker.mosquitto(), collect: collectMqtt, destination: subject },
];

const TRANSPORT_NAMES: Record<string, string> = { NATS: 'nats', RabbitMQ: 'rmq', Redis: 'redis', MQTT: 'mqtt' };

async function startWithBus(transport: Transport, url: string): Promise<TestApp> {
  // events only: the request door has suites of its own
  return TestApp.start({ env: { BUS_TRANSPORT: TRANSPORT_NAMES[transport.name], BUS_URL: url, BUS_REQUESTS: 'false' } });
}

for (const transport of FULL) {
  describe(`events on ${transport.name}`, { skip: transport.skip }, () => {
    let broker: { url: string; remove(): Promise<void> };
    let events: EventCollector;
    let app: TestApp;
    let token: string;

    before(async () => {
      broker = await transport.broker();
      events = await transport.collect(broker.url);
      app = await startWithBus(transport, broker.url);
      token = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'bus-tester' });
    });
    after(async () => {
      await app.close();
      await events.close();
      await broker.remove();
    });

    it('every kind of change is published once, in order, with the event type as subject and the ListEvents body', async () => {
      const { orgId } = await makeEveryKindOfChange(app, token);
      const stored = await storedEvents(app, token);
      const instanceId = stored[0].instanceId;
      assert.deepEqual([...new Set(stored.map((event) => event.type))].sort(), [...EVENT_TYPES].sort(), 'the scenario covers every event type');

      // No fixed wait for anything extra: once the outbox is empty, the relay has sent every event above
      // for the last time (a batch whose acknowledgement was lost goes out again before it is removed).
      // It sends in position order on one connection, so once the event of one more change has arrived,
      // every copy of an earlier event has arrived too, however late.
      await waitFor(async () => (await readMetric(app.url, 'outbox_backlog_events')) === 0, 'an empty outbox');
      const marker = await app.request('POST', '/management/v1/orgs', { token, body: { name: 'Last' } });
      assert.equal(marker.status, 200, JSON.stringify(marker.body));
      await waitFor(() => events.of(instanceId).some((event) => event.body.aggregateId === marker.body.id), `the last change's event on ${transport.name}`);
      const received = events.of(instanceId).filter((event) => event.body.aggregateId !== marker.body.id);
      assert.equal(received.length, stored.length, 'no event twice, none extra');
      assert.deepEqual(
        received.map((event: ReceivedEvent) => event.destination),
        stored.map((event) => transport.destination(event.type)),
      );
      assert.deepEqual(
        received.map((event: ReceivedEvent) => event.body),
        stored,
      );

      // one body in full, field by field: the org's first own change after its copy of the default
      const smsAdded = received.find((event) => event.body.aggregateId === orgId && event.body.type === 'org.policy.login.secondfactor.added' && event.body.payload.mfaType === 4);
      assert.ok(smsAdded);
      const copied = received.filter((event) => event.body.aggregateId === orgId && event.body.type === 'org.policy.login.added')[0];
      assert.deepEqual(Object.keys(smsAdded.body), ['id', 'instanceId', 'aggregateType', 'aggregateId', 'sequence', 'position', 'type', 'payload', 'creator', 'createdAt']);
      assert.equal(smsAdded.body.instanceId, instanceId);
      assert.equal(smsAdded.body.aggregateType, 'org');
      assert.equal(smsAdded.body.sequence, '6', 'org.added 1, copy 2..5 (policy + OTP, U2F, passkey), then OTP_SMS');
      assert.equal(copied.body.sequence, '2');
      assert.equal(smsAdded.body.id, smsAdded.body.position);
      assert.match(smsAdded.body.position, /^\d+$/);
      assert.equal(smsAdded.body.creator, 'bus-tester');
      assert.match(smsAdded.body.createdAt, RFC3339_MS);
      assert.equal(copied.body.payload.passwordlessType, 1);
      assert.equal(copied.body.payload.secondFactorCheckLifetime, 64800);
    });

    it('/debug/metrics shows an empty outbox and the published events; /debug/ready shows the bus connected', async () => {
      const stored = await storedEvents(app, token);
      await waitFor(async () => (await readMetric(app.url, 'outbox_backlog_events')) === 0, 'an empty outbox');
      const published = await readMetric(app.url, 'outbox_published_events_total');
      assert.ok(published >= stored.length, `published ${published} of ${stored.length}`);
      assert.equal(await readMetric(app.url, 'bus_connected'), 1);
      assert.equal(await readMetric(app.url, 'outbox_relay_lease_held'), 1);
      assert.ok(Number.isInteger(await readMetric(app.url, 'outbox_publish_failures_total')));
      const ready = await app.request('GET', '/debug/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.info.bus, { status: 'up', transport: TRANSPORT_NAMES[transport.name], events: 'connected' });
    });
  });
}

for (const transport of SMOKE) {
  describe(`events on ${transport.name} (smoke)`, { skip: transport.skip }, () => {
    it('a factor change arrives under zitadel.events.<type> with the ListEvents body', async () => {
      const broker = await transport.broker();
      const events = await transport.collect(broker.url);
      const app = await startWithBus(transport, broker.url);
      try {
        const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
        const added = await app.request('POST', '/admin/v1/policies/login/second_factors', { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } });
        assert.equal(added.status, 200);
        const stored = await storedEvents(app, token);
        const last = stored[stored.length - 1];
        assert.equal(last.type, 'instance.policy.login.secondfactor.added');
        const received = await waitFor(() => events.of(last.instanceId).find((event) => event.body.sequence === last.sequence), 'the event');
        assert.equal(received.destination, 'zitadel.events.instance.policy.login.secondfactor.added');
        assert.deepEqual(received.body, last);
        assert.deepEqual(received.body.payload, { mfaType: 4 });
        // the seed's events went out too, before it
        await waitFor(() => events.of(last.instanceId).length === stored.length, `all ${stored.length} events`);
      } finally {
        await app.close();
        await events.close();
        await broker.remove();
      }
    });
  });
}
