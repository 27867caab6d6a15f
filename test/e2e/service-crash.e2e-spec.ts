import assert from 'node:assert/strict';
import { LIMIT_NEVER_MET } from '../support/limits.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/common/config/load-config.js';
import { errorShapeViolation } from '../support/error-shape.js';
import { ApiCall, allEvents, differencesFromReplay } from '../support/event-replay.js';
import { FactorWriteLoad, answersByStatus, describeWrite, lostWrites } from '../support/factor-write-load.js';
import { ServiceProcess } from '../support/service-process.js';
import { developmentToken } from '../support/tokens.js';

/** Writers at once: more than the one SQLite writer, so the group commit puts several units in one transaction. */
const WRITERS = 16;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the service killed (SIGKILL) under a write load on SQLite, and started again on the same DATA_DIR', () => {
  it('keeps every acknowledged write, and its state equals the replay of the events', { timeout: 120_000 }, async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lpf-crash-'));
    let restarted: ServiceProcess | undefined;
    try {
      const first = await ServiceProcess.start({ DATA_DIR: dataDir, ...LIMIT_NEVER_MET });
      const token = await developmentToken(loadConfig({ DATA_DIR: dataDir }), { roles: ['IAM_OWNER'] });
      const orgs: string[] = [];
      for (let i = 0; i < WRITERS; i++) {
        const created = await first.call('POST', '/management/v1/orgs', token, { name: `Crash ${i}` });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        // half follow the default until their first write copies it (copy-on-write under load too)
        if (i % 2 === 0) assert.equal((await first.call('POST', '/management/v1/policies/login', token, { secondFactors: [1] }, created.body.id)).status, 200);
        orgs.push(created.body.id);
      }

      const load = new FactorWriteLoad(first.url, token, orgs);
      load.start();
      await sleep(3_000);
      const exited = new Promise((resolve) => first.process.once('exit', resolve));
      first.process.kill('SIGKILL');
      await exited;
      await load.stop();

      const restartStarted = performance.now();
      restarted = await ServiceProcess.start({ DATA_DIR: dataDir, ...LIMIT_NEVER_MET });
      const restartSeconds = (performance.now() - restartStarted) / 1000;
      const running = restarted;
      const call: ApiCall = (method, path, body, orgId) => running.call(method, path, token, body, orgId);
      const acknowledged = load.acknowledged();
      const lost = lostWrites(acknowledged, await allEvents(call));
      const replayed = await differencesFromReplay(call, orgs);
      const figures = {
        writes: load.outcomes.length,
        answers: answersByStatus(load.outcomes),
        acknowledged: acknowledged.length,
        lost: lost.length,
        restartSeconds: +restartSeconds.toFixed(2),
        events: replayed.events,
        differencesFromReplay: replayed.differences.length,
      };
      t.diagnostic(`SQLite crash: ${JSON.stringify(figures)}`);
      console.log(`SQLite crash figures: ${JSON.stringify(figures)}`);

      assert.ok(acknowledged.length >= 100, `${acknowledged.length} writes acknowledged before the kill`);
      const refused = load.outcomes.filter((write) => write.status !== undefined && write.status >= 300 && (write.status >= 500 || errorShapeViolation(write.status, 'application/json', write.body)));
      assert.deepEqual(refused.map(describeWrite), [], 'no 5xx and every refusal in the error shape before the kill');
      assert.deepEqual(lost.map(describeWrite), [], 'every acknowledged write has its event after the restart');
      assert.deepEqual(replayed.differences, [], 'the state equals the replay of the events');
    } finally {
      await restarted?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
