import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect as connectNats } from '@nats-io/transport-node';
import { describe, it } from 'node:test';
import { LocalBroker, missingBroker } from '../support/brokers.js';
import { collectNats, waitFor } from '../support/bus-events.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const ADMIN = '/admin/v1/policies/login';
const MGMT = '/management/v1/policies/login';

describe('the example consumer (examples/effective-factors-consumer.mjs)', { skip: missingBroker('nats-server') }, () => {
  it('reads the history, follows the bus, ignores repeated events, and matches what the API says about each org', async () => {
    const broker = await LocalBroker.nats();
    const app = await TestApp.start({ env: { BUS_TRANSPORT: 'nats', BUS_URL: broker.url, BUS_REQUESTS: 'false' } });
    const owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    const viewer = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
    const events = await collectNats(broker.url);
    const lines: any[] = [];
    const consumer = spawn(process.execPath, ['examples/effective-factors-consumer.mjs'], {
      env: { PATH: process.env.PATH ?? '', NATS_URL: broker.url, SERVICE_URL: app.url, TOKEN: viewer },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let buffered = '';
    consumer.stderr.on('data', (chunk) => (stderr += chunk));
    consumer.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop() ?? '';
      lines.push(...complete.filter(Boolean).map((line) => JSON.parse(line)));
    });
    const latest = (orgId: string) => [...lines].reverse().find((line) => line.orgId === orgId || line.removed === orgId);
    const apiView = async (orgId: string) => {
      const headers = orgHeader(orgId);
      const policy = (await app.request('GET', MGMT, { token: owner, headers })).body;
      return { orgId, secondFactors: policy.policy.secondFactors, multiFactors: policy.policy.multiFactors, isDefault: policy.isDefault };
    };
    const agrees = async (orgId: string) => {
      const expected = await apiView(orgId);
      await waitFor(() => JSON.stringify(latest(orgId)) === JSON.stringify(expected), `the consumer's copy of ${orgId}: ${JSON.stringify(expected)}; stderr ${stderr}`);
    };
    try {
      // history from before the consumer started
      const following = await createOrg(app, owner, 'Following');
      const custom = await createOrg(app, owner, 'Custom');
      assert.equal((await app.request('POST', MGMT, { token: owner, headers: orgHeader(custom), body: { secondFactors: [2] } })).status, 200);
      assert.equal((await app.request('POST', `${ADMIN}/second_factors`, { token: owner, body: { type: 3 } })).status, 200);

      await waitFor(() => lines.some((line) => line.ready), `the consumer to read the history; stderr ${stderr}`);
      await agrees(following);
      await agrees(custom);
      assert.equal(latest(following).isDefault, true);
      assert.deepEqual(latest(custom).secondFactors, ['SECOND_FACTOR_TYPE_U2F']);

      // live changes: the default (seen by the following org only), copy-on-write, reset, removal
      assert.equal((await app.request('DELETE', `${ADMIN}/second_factors/1`, { token: owner })).status, 200);
      await agrees(following);
      await agrees(custom);
      const late = await createOrg(app, owner, 'Late');
      assert.equal((await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(late), body: { type: 4 } })).status, 200);
      await agrees(late);
      assert.equal(latest(late).isDefault, false);
      assert.equal((await app.request('DELETE', MGMT, { token: owner, headers: orgHeader(custom) })).status, 200);
      await agrees(custom);
      assert.equal(latest(custom).isDefault, true);

      // a repeated delivery of an old event (at-least-once) changes nothing
      const smsAdded = await waitFor(
        () => events.received.find((event) => event.body.aggregateId === late && event.body.type === 'org.policy.login.secondfactor.added' && event.body.payload.mfaType === 4),
        'the OTP_SMS event',
      );
      assert.equal((await app.request('DELETE', `${MGMT}/second_factors/4`, { token: owner, headers: orgHeader(late) })).status, 200);
      await agrees(late);
      const nats = await connectNats({ servers: broker.url });
      nats.publish(smsAdded.destination, JSON.stringify(smsAdded.body));
      await nats.flush();
      await nats.close();
      assert.equal((await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(late), body: { type: 1 } })).status, 200);
      await agrees(late);
      assert.ok(!latest(late).secondFactors.includes('SECOND_FACTOR_TYPE_OTP_SMS'), 'the repeat was dropped');

      assert.equal((await app.request('DELETE', '/management/v1/orgs/me', { token: owner, headers: orgHeader(following) })).status, 200);
      await waitFor(() => latest(following)?.removed === following, 'the removal');
    } finally {
      consumer.kill('SIGTERM');
      await events.close();
      await app.close();
      await broker.remove();
    }
  });
});
