import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/common/config/load-config.js';
import { LocalBroker, missingBroker } from '../support/brokers.js';
import { ReceivedEvent, assertInOrderWithoutGaps, collectNats, deliveries, waitFor } from '../support/bus-events.js';
import { MYSQL_URL, createMysqlDatabase } from '../support/databases.js';
import { ServiceProcess } from '../support/service-process.js';
import { developmentToken } from '../support/tokens.js';

const MGMT = '/management/v1/policies/login';

/** Checks what a consumer received against the stored events: each one there as stored, per-aggregate order, repeats identical. */
function assertDelivered(received: ReceivedEvent[], stored: any[]): number {
  const { unique, sequences, duplicates } = deliveries(received);
  assertInOrderWithoutGaps(sequences, 1);
  assert.equal(unique.size, stored.length, 'every stored event was published');
  for (const event of stored) assert.deepEqual(unique.get(`${event.aggregateId}/${event.sequence}`)?.body, event);
  return duplicates;
}

describe('two service processes on one MariaDB with a bus', { skip: MYSQL_URL ? missingBroker('nats-server') : 'TEST_DATABASE_URL is not set' }, () => {
  it('500 changes spread over both: every event published once or more, in per-aggregate order; the relay fails over to the survivor', async (t) => {
    const broker = await LocalBroker.nats();
    const events = await collectNats(broker.url);
    const database = await createMysqlDatabase();
    const dataDir = await mkdtemp(join(tmpdir(), 'lpf-two-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: database.url, BUS_TRANSPORT: 'nats', BUS_URL: broker.url, BUS_REQUESTS: 'false' };
    const services: ServiceProcess[] = [];
    try {
      services.push(await ServiceProcess.start(env), await ServiceProcess.start(env));
      const token = await developmentToken(loadConfig({ DATA_DIR: dataDir }), { roles: ['IAM_OWNER'] });
      const orgs: string[] = [];
      for (let i = 0; i < 10; i++) {
        const created = await services[i % 2].call('POST', '/management/v1/orgs', token, { name: `Pair ${i}` });
        assert.equal(created.status, 200);
        const custom = await services[i % 2].call('POST', MGMT, token, { secondFactors: [1] }, created.body.id);
        assert.equal(custom.status, 200);
        orgs.push(created.body.id);
      }
      // 10 orgs × 50 changes (add and remove OTP_SMS in turn), each change on the other process than the one before
      const chains = await Promise.all(
        orgs.map(async (org, o) => {
          const statuses: number[] = [];
          for (let i = 0; i < 50; i++) {
            const service = services[(o + i) % 2];
            const response =
              i % 2 === 0
                ? await service.call('POST', `${MGMT}/second_factors`, token, { type: 4 }, org)
                : await service.call('DELETE', `${MGMT}/second_factors/4`, token, undefined, org);
            statuses.push(response.status);
          }
          return statuses;
        }),
      );
      assert.deepEqual(chains.flat(), Array(500).fill(200));

      const stored = (await services[0].call('POST', '/admin/v1/events/_search', token, { asc: true, limit: 1000 })).body.events;
      const instanceId = stored[0].instanceId;
      const unique = () => new Set(events.of(instanceId).map((e) => `${e.body.aggregateId}/${e.body.sequence}`)).size;
      await waitFor(() => unique() >= stored.length, `${stored.length} events`, 30_000);
      const duplicates = assertDelivered(events.of(instanceId), stored);
      const holders = [await services[0].metric('outbox_relay_lease_held'), await services[1].metric('outbox_relay_lease_held')];
      assert.deepEqual(holders.sort(), [0, 1], 'exactly one process publishes');
      t.diagnostic(`${stored.length} events (500 changes), ${events.of(instanceId).length} messages, ${duplicates} duplicates`);

      // the publishing process dies without releasing its lease: the other one takes over when it expires
      const publisher = (await services[0].metric('outbox_relay_lease_held')) === 1 ? 0 : 1;
      services[publisher].process.kill('SIGKILL');
      const survivor = services[1 - publisher];
      for (let i = 0; i < 10; i++) {
        const response = i % 2 === 0 ? await survivor.call('POST', `${MGMT}/second_factors`, token, { type: 3 }, orgs[0]) : await survivor.call('DELETE', `${MGMT}/second_factors/3`, token, undefined, orgs[0]);
        assert.equal(response.status, 200);
      }
      const after = (await survivor.call('POST', '/admin/v1/events/_search', token, { asc: true, limit: 1000 })).body.events;
      await waitFor(() => unique() >= after.length, 'the events after the failover', 40_000);
      assertDelivered(events.of(instanceId), after);
      assert.equal(await survivor.metric('outbox_relay_lease_held'), 1);
    } finally {
      for (const service of services) await service.stop();
      await events.close();
      await broker.remove();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
