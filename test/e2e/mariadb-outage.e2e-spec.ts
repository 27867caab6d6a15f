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
import { PrivateMariaDb, missingMariaDb } from '../support/private-mariadb.js';
import { ServiceProcess } from '../support/service-process.js';
import { developmentToken } from '../support/tokens.js';

const WRITERS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ReadinessAnswer {
  status?: number;
  body?: any;
  sentAt: number;
  answeredAt: number;
}

/** Asks `/debug/ready` every 100 ms until stopped. */
function pollReadiness(url: string): { answers: ReadinessAnswer[]; stop: () => Promise<void> } {
  const answers: ReadinessAnswer[] = [];
  let running = true;
  const polling = (async () => {
    while (running) {
      const sentAt = performance.now();
      try {
        const response = await fetch(`${url}/debug/ready`, { signal: AbortSignal.timeout(5_000) });
        answers.push({ status: response.status, body: await response.json(), sentAt, answeredAt: performance.now() });
      } catch {
        answers.push({ sentAt, answeredAt: performance.now() });
      }
      await sleep(100);
    }
  })();
  return {
    answers,
    stop: async () => {
      running = false;
      await polling;
    },
  };
}

describe('MariaDB killed (SIGKILL) under a write load, and restarted', { skip: missingMariaDb ?? false }, () => {
  it('answers 503 / code 14 in the error shape during the outage (never a 500), /debug/ready is 503 then 200, the service recovers within seconds, and no acknowledged write is lost', { timeout: 120_000 }, async (t) => {
    const database = await PrivateMariaDb.create();
    const dataDir = await mkdtemp(join(tmpdir(), 'lpf-outage-'));
    let service: ServiceProcess | undefined;
    try {
      service = await ServiceProcess.start({ DATA_DIR: dataDir, DATABASE_URL: database.url, ...LIMIT_NEVER_MET });
      const running = service;
      const token = await developmentToken(loadConfig({ DATA_DIR: dataDir }), { roles: ['IAM_OWNER'] });
      const call: ApiCall = (method, path, body, orgId) => running.call(method, path, token, body, orgId);
      const orgs: string[] = [];
      for (let i = 0; i < WRITERS; i++) {
        const created = await call('POST', '/management/v1/orgs', { name: `Outage ${i}` });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        assert.equal((await call('POST', '/management/v1/policies/login', { secondFactors: [1] }, created.body.id)).status, 200);
        orgs.push(created.body.id);
      }

      const load = new FactorWriteLoad(service.url, token, orgs);
      const readiness = pollReadiness(service.url);
      load.start();
      await sleep(2_000);
      const killedAt = performance.now();
      await database.kill();
      const goneAt = performance.now();
      await sleep(2_000);
      const restartAt = performance.now();
      await database.start();
      const backAt = performance.now();
      // keep writing until the service has taken writes again for a while
      const deadline = backAt + 20_000;
      while (performance.now() < deadline && !load.outcomes.some((write) => write.answeredAt > backAt && write.status === 200)) await sleep(50);
      await sleep(1_500);
      await load.stop();
      await readiness.stop();
      const finalReadiness = await fetch(`${service.url}/debug/ready`);

      const outcomes = load.outcomes;
      // sent once the server was gone, answered before it accepted connections again
      const duringOutage = outcomes.filter((write) => write.sentAt >= goneAt && write.answeredAt <= restartAt);
      const firstUnavailable = outcomes.find((write) => write.answeredAt >= killedAt && write.status === 503);
      const firstOkAfter = outcomes.filter((write) => write.answeredAt > backAt && write.status === 200).sort((a, b) => a.answeredAt - b.answeredAt)[0];
      const readyDuringOutage = readiness.answers.filter((answer) => answer.sentAt >= goneAt && answer.answeredAt <= restartAt);
      const readyAgain = readiness.answers.find((answer) => answer.sentAt >= backAt && answer.status === 200);
      const acknowledged = load.acknowledged();
      const lost = lostWrites(acknowledged, await allEvents(call));
      const figures = {
        writes: outcomes.length,
        answersDuringOutage: answersByStatus(duringOutage),
        allAnswers: answersByStatus(outcomes),
        firstUnavailableAfterKillSeconds: firstUnavailable && +((firstUnavailable.answeredAt - killedAt) / 1000).toFixed(3),
        outageSeconds: +((backAt - goneAt) / 1000).toFixed(2),
        recoverySeconds: firstOkAfter && +((firstOkAfter.answeredAt - backAt) / 1000).toFixed(3),
        readyDuringOutage: answersByStatus(readyDuringOutage),
        readyAgainSeconds: readyAgain && +((readyAgain.answeredAt - backAt) / 1000).toFixed(3),
        acknowledged: acknowledged.length,
        lost: lost.length,
      };
      t.diagnostic(`MariaDB outage: ${JSON.stringify(figures)}`);
      console.log(`MariaDB outage figures: ${JSON.stringify(figures)}`);

      assert.ok(duringOutage.length >= WRITERS, `writes were answered during the outage: ${duringOutage.length}`);
      const notUnavailable = duringOutage.filter((write) => write.status !== 503 || errorShapeViolation(503, 'application/json', write.body) !== undefined);
      assert.deepEqual(notUnavailable.map(describeWrite), [], 'every answer during the outage is 503 with code 14 in the error shape');
      const brokenAnywhere = outcomes.filter((write) => write.status === undefined || (write.status >= 500 && write.status !== 503) || (write.status >= 300 && errorShapeViolation(write.status, 'application/json', write.body)));
      assert.deepEqual(brokenAnywhere.map(describeWrite), [], 'no 500, no lost connection, no answer out of the error shape at any time');
      assert.ok(readyDuringOutage.length > 0 && readyDuringOutage.every((answer) => answer.status === 503 && answer.body?.code === 14), `/debug/ready during the outage: ${JSON.stringify(figures.readyDuringOutage)}`);
      assert.ok(firstOkAfter, 'a write succeeded after the database came back');
      assert.ok(figures.recoverySeconds! < 5, `recovered ${figures.recoverySeconds} s after the database came back`);
      assert.equal(finalReadiness.status, 200, '/debug/ready once the database is back');
      assert.ok(acknowledged.length > 0);
      assert.deepEqual(lost.map(describeWrite), [], 'every acknowledged write has its event');
      assert.deepEqual((await differencesFromReplay(call, orgs)).differences, [], 'the state equals the replay of the events');
    } finally {
      await service?.stop();
      await database.remove();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
