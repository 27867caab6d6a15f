import assert from 'node:assert/strict';
import { LIMIT_NEVER_MET } from '../support/limits.js';
import fc from 'fast-check';
import { describe, it } from 'node:test';
import { DATABASES } from '../support/databases.js';
import { errorShapeViolation } from '../support/error-shape.js';
import { ApiCall, differencesFromReplay } from '../support/event-replay.js';
import { grpcWebOutcome, grpcWebShapeViolation, isGrpcWeb } from '../support/grpc-web-answer.js';
import { fuzzCredentials } from '../support/fuzz-credentials.js';
import { Exchange, FuzzRequestSender, OrgPool } from '../support/fuzz-request-sender.js';
import { FuzzRequest, requestToAny } from '../support/hostile-requests.js';
import { openApiOperations } from '../support/openapi-operations.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

/** Requests per database; FUZZ_RUNS changes it, FUZZ_SEED replays a run, FUZZ_PATH (printed on failure) starts the replay at the failing batch. */
const REQUESTS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;
/** Requests in flight at once: each property run sends one batch of this many together. */
const IN_FLIGHT = 8;

/** Why one answer breaks the test's promises, or undefined. */
function brokenPromise(request: FuzzRequest, exchange: Exchange, forged: ReadonlySet<string>): string | undefined {
  if (exchange.failure !== undefined) return `no answer: ${exchange.failure}`;
  const status = exchange.status as number;
  if (status >= 500) return `HTTP ${status}`;
  const onlyForged = request.authorization.every((name) => forged.has(name));
  if (status === 200 && isGrpcWeb(exchange.contentType)) {
    // a gRPC-web content type on a path that is no route is answered by the gRPC-web door: its outcome is in the trailer
    const outcome = grpcWebOutcome(exchange.contentType as string, exchange.bytes ?? Buffer.alloc(0));
    if (typeof outcome === 'string') return `a gRPC-web answer that cannot be read: ${outcome}`;
    if (outcome.code === 0 && onlyForged) return 'grpc-status 0 without a real token';
    const problem = grpcWebShapeViolation(outcome);
    return problem && `a gRPC-web answer not in the one error shape: ${problem}`;
  }
  if (status < 200 || status >= 300) {
    const problem = errorShapeViolation(status, exchange.contentType ?? null, exchange.body);
    return problem && `HTTP ${status} is not in the one error shape: ${problem}`;
  }
  // every operation of the document needs a token: a 2xx without a real one is a way in
  if (onlyForged) return `HTTP ${status} with ${request.authorization.length ? `only forged credentials (${request.authorization.join(', ')})` : 'no credentials'}`;
  if (typeof exchange.body !== 'object' || exchange.body === null) return `HTTP ${status} without a JSON object as body`;
  return undefined;
}

const shortened = (value: unknown, length = 300) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined || text.length <= length ? text : `${text.slice(0, length)}… (${text.length} characters)`;
};

function describeExchange({ sent, status, contentType, body, failure }: Exchange): string {
  const headers = sent.headers.map(([name, value]) => `${name}: ${shortened(value, 120)}`).join(' | ');
  const answer = failure ?? `${status} ${contentType} ${shortened(isGrpcWeb(contentType) ? JSON.stringify(body) : body)}`;
  return `${sent.method} ${shortened(sent.target, 200)} [${headers}] framing ${sent.framing}${sent.wireDefect ? `, wire defect ${sent.wireDefect}` : ''}, body ${shortened(sent.body)} → ${answer}`;
}

for (const database of DATABASES) {
  describe(`request fuzz on ${database} (fast-check, requests generated from docs/openapi.json)`, () => {
    it(`${REQUESTS} hostile requests, ${IN_FLIGHT} in flight: no 5xx, every refusal in the one error shape with the code of its status, no forged token let in, and the state equals the replay of the events`, { timeout: 300_000 }, async (t) => {
      console.log(`request fuzz on ${database}: seed ${SEED}, ${REQUESTS} requests (replay: FUZZ_SEED=${SEED} FUZZ_RUNS=${REQUESTS})`);
      const app = await TestApp.start({ database, env: LIMIT_NEVER_MET });
      const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      const call: ApiCall = (method, path, body, orgId) => app.request(method, path, { token, body, headers: orgId ? orgHeader(orgId) : {} });
      let sender: FuzzRequestSender | undefined;
      try {
        // orgs to aim at: some with a custom policy, some following the default, one removed
        const orgIds: string[] = [];
        for (let i = 0; i < 6; i++) {
          const orgId = await createOrg(app, token, `Fuzz ${i}`);
          if (i % 2 === 0) assert.equal((await call('POST', '/management/v1/policies/login', { secondFactors: [1], multiFactors: [1] }, orgId)).status, 200);
          orgIds.push(orgId);
        }
        const removed = await createOrg(app, token, 'Fuzz removed');
        assert.equal((await call('DELETE', '/management/v1/orgs/me', undefined, removed)).status, 200);
        const instanceId = (await call('GET', '/admin/v1/policies/login')).body.policy.details.resourceOwner;
        const credentials = await fuzzCredentials(app.config, orgIds);
        sender = new FuzzRequestSender(app.url, credentials, new OrgPool(orgIds, removed, instanceId));
        const active = sender;

        const answers = new Map<string, number>();
        let acknowledgedChanges = 0;
        let sent = 0;
        let failure: string | undefined;
        const started = performance.now();
        const batches = fc.array(requestToAny(openApiOperations()), { minLength: IN_FLIGHT, maxLength: IN_FLIGHT });
        const result = await fc.check(
          fc.asyncProperty(batches, async (requests) => {
            const exchanges = await Promise.all(requests.map((request) => active.send(request)));
            sent += exchanges.length;
            for (const [i, exchange] of exchanges.entries()) {
              const key = exchange.failure !== undefined ? 'no answer' : isGrpcWeb(exchange.contentType) ? `${exchange.status} gRPC-web` : String(exchange.status);
              answers.set(key, (answers.get(key) ?? 0) + 1);
              const ok = exchange.status !== undefined && exchange.status < 300 && !isGrpcWeb(exchange.contentType);
              if (ok && exchange.sent.method !== 'GET' && !requests[i].path.includes('_search')) acknowledgedChanges++;
              const created = (exchange.body as { id?: unknown } | undefined)?.id;
              if (ok && requests[i].operationId === 'ManagementService_AddOrg' && typeof created === 'string') active.orgs.add(created);
              const problem = brokenPromise(requests[i], exchange, credentials.forged);
              if (problem) {
                failure = `${problem}\n  ${describeExchange(exchange)}`;
                return false;
              }
            }
            return true;
          }),
          { seed: SEED, numRuns: Math.ceil(REQUESTS / IN_FLIGHT), endOnFailure: true, ...(PATH ? { path: PATH } : {}) },
        );
        const seconds = (performance.now() - started) / 1000;
        const byStatus = Object.fromEntries([...answers].sort(([a], [b]) => a.localeCompare(b)));
        const summary = `${database}: seed ${SEED}, ${sent} requests in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s), answers by status ${JSON.stringify(byStatus)}, ${acknowledgedChanges} changes acknowledged`;
        t.diagnostic(summary);
        console.log(`request fuzz ${summary}`);
        if (result.failed) {
          assert.fail(`request fuzz on ${database} broke a promise (replay: FUZZ_SEED=${result.seed} FUZZ_RUNS=${REQUESTS} FUZZ_PATH=${result.counterexamplePath}): ${failure ?? result.errorInstance}`);
        }
        assert.ok(sent >= REQUESTS, `${sent} requests sent`);

        const replayed = await differencesFromReplay(call);
        t.diagnostic(`${database}: state equals the replay of ${replayed.events} events for the instance and ${replayed.orgs} orgs: ${replayed.differences.length} differences`);
        assert.deepEqual(replayed.differences, [], 'the read APIs answer what the events imply');
      } finally {
        sender?.close();
        await app.close();
      }
    });
  });
}
