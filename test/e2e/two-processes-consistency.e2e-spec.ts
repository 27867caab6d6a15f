import assert from 'node:assert/strict';
import { LIMIT_NEVER_MET } from '../support/limits.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/common/config/load-config.js';
import { createConnection } from 'mysql2/promise';
import { waitFor } from '../support/bus-events.js';
import { MYSQL_URL, createMysqlDatabase } from '../support/databases.js';
import { allEvents, pageEvents } from '../support/event-pager.js';
import { CallResult, ServiceProcess } from '../support/service-process.js';
import { developmentToken } from '../support/tokens.js';

const MGMT = '/management/v1/policies/login';
const EVENTS = '/admin/v1/events/_search';
const OTP_SMS = 4;

interface EventBody {
  position: string;
  aggregateId: string;
  sequence: string;
  type: string;
}

/** Adds OTP_SMS on even rounds and removes it on odd ones, so every call of a chain succeeds. */
function toggle(service: ServiceProcess, token: string, org: string, round: number): Promise<CallResult> {
  return round % 2 === 0
    ? service.call('POST', `${MGMT}/second_factors`, token, { type: OTP_SMS }, org)
    : service.call('DELETE', `${MGMT}/second_factors/${OTP_SMS}`, token, undefined, org);
}


describe('two service processes on one MariaDB: what one process writes, the other shows', { skip: MYSQL_URL ? false : 'TEST_DATABASE_URL is not set' }, () => {
  const services: ServiceProcess[] = [];
  let database: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let dataDir: string;
  let token: string;

  async function newOrgWithCustomPolicy(name: string, via: ServiceProcess): Promise<string> {
    const created = await via.call('POST', '/management/v1/orgs', token, { name });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const custom = await via.call('POST', MGMT, token, { secondFactors: [1] }, created.body.id);
    assert.equal(custom.status, 200, JSON.stringify(custom.body));
    return created.body.id;
  }

  before(async () => {
    database = await createMysqlDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'lpf-consistency-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: database.url, ...LIMIT_NEVER_MET };
    // one after the other: the first creates the schema and the instance, the second finds them
    services.push(await ServiceProcess.start(env));
    services.push(await ServiceProcess.start(env));
    token = await developmentToken(loadConfig({ DATA_DIR: dataDir }), { roles: ['IAM_OWNER'] });
  });

  after(async () => {
    for (const service of services) await service.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a reader paging ListEvents by position while 24 writers on both processes change factors misses no event', async (t) => {
    const writers = 24;
    const orgs = await Promise.all(Array.from({ length: writers }, (_, i) => newOrgWithCustomPolicy(`Pager ${i}`, services[i % 2])));
    const start = Number((await allEvents(services[0], token)).at(-1)?.position ?? 0);
    const deadline = Date.now() + 8_000;
    let writing = true;

    const writes = Promise.all(
      orgs.map(async (org, w) => {
        const statuses: number[] = [];
        for (let round = 0; Date.now() < deadline; round++) statuses.push((await toggle(services[w % 2], token, org, round)).status);
        return statuses;
      }),
    ).finally(() => (writing = false));

    const read = pageEvents(services, token, start, () => writing);

    const statuses = (await writes).flat();
    const seen = await read;
    assert.deepEqual(
      statuses.filter((status) => status !== 200),
      [],
      'every write succeeded',
    );
    const stored = (await allEvents(services[1], token)).filter((event) => Number(event.position) > start);
    const seenPositions = new Set(seen.map((event) => event.position));
    const missed = stored.filter((event) => !seenPositions.has(event.position));
    t.diagnostic(`${statuses.length} writes, ${stored.length} events stored, ${seen.length} read by the pager, ${missed.length} missed`);
    assert.equal(seen.length, seenPositions.size, 'no event twice');
    assert.deepEqual(
      missed.map((event) => `${event.position} ${event.type} ${event.aggregateId}/${event.sequence}`),
      [],
      'the pager saw every stored event',
    );
  });

  it('450 events committed without a position are positioned at once, contiguously, in sequence order even where their times say otherwise, several statements to a pass', async () => {
    const [{ instanceId }] = await allEvents(services[0], token).then((events) => events as unknown as { instanceId: string }[]);
    const connection = await createConnection({ uri: database.url });
    try {
      // stored by writers whose clocks disagree: each later event carries an earlier time
      const at = (i: number) => new Date(Date.UTC(2026, 0, 1) - i * 1000).toISOString().replace('T', ' ').replace('Z', '');
      const rows = Array.from({ length: 450 }, (_, i) => [instanceId, 'org', 'bulk-aggregate', i + 1, 'org.policy.login.changed', '{}', 'test', 'bulk-aggregate', at(i)]);
      await connection.query(
        'INSERT INTO events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at) VALUES ?',
        [rows],
      );
    } finally {
      await connection.end();
    }
    const answer = await services[1].call('POST', EVENTS, token, { aggregateId: 'bulk-aggregate', asc: true, limit: 1000 });
    const events = answer.body.events as EventBody[];
    assert.deepEqual(
      events.map((event) => Number(event.sequence)),
      Array.from({ length: 450 }, (_, i) => i + 1),
    );
    const positions = events.map((event) => Number(event.position));
    assert.deepEqual(
      positions,
      positions.map((_, i) => positions[0] + i),
      'contiguous positions',
    );
  });

  it('a position counter left behind the stored positions (a transaction that landed in part) does not stop positioning: the next event goes above the highest, and a process says so', async () => {
    const [{ instanceId }] = await allEvents(services[0], token).then((events) => events as unknown as { instanceId: string }[]);
    const connection = await createConnection({ uri: database.url });
    let highest: number;
    try {
      const [rows] = await connection.query('SELECT MAX(position) AS highest FROM events');
      highest = Number((rows as { highest: number }[])[0].highest);
      await connection.query('UPDATE event_positions SET last_position = ? WHERE id = 1', [highest - 5]);
      await connection.query(
        'INSERT INTO events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, NOW(3))',
        [instanceId, 'org', 'behind-counter', 'org.policy.login.changed', '{}', 'test', 'behind-counter'],
      );
    } finally {
      await connection.end();
    }
    const answer = await services[1].call('POST', EVENTS, token, { aggregateId: 'behind-counter', asc: true });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(
      (answer.body.events as EventBody[]).map((event) => Number(event.position)),
      [highest + 1],
    );
    // the line reaches this process through the service's stdout pipe, which may trail its answer
    const said = () => services.some((service) => service.output().includes(`position counter (${highest - 5}) is behind the highest stored position (${highest})`));
    await waitFor(said, 'a process to log the counter behind the positions', 5_000);
  });

  it('a factor written through one process is in the very next read through the other, 500 times', async () => {
    const org = await newOrgWithCustomPolicy('Read your writes', services[0]);
    const stale: string[] = [];
    for (let round = 0; round < 500; round++) {
      const [writer, reader] = round % 2 === 0 ? services : [services[1], services[0]];
      const written = await toggle(writer, token, org, round);
      assert.equal(written.status, 200, JSON.stringify(written.body));
      const read = await reader.call('POST', `${MGMT}/second_factors/_search`, token, {}, org);
      assert.equal(read.status, 200);
      const expectPresent = round % 2 === 0;
      const present = (read.body.result as string[]).includes('SECOND_FACTOR_TYPE_OTP_SMS');
      if (present !== expectPresent || read.body.details.processedSequence !== written.body.details.sequence) {
        stale.push(`round ${round}: wrote sequence ${written.body.details.sequence}, read ${read.body.details.processedSequence} ${JSON.stringify(read.body.result)}`);
      }
    }
    assert.deepEqual(stale, []);
  });

  it('a read the other process can answer from its kept rows shows the write made just before, for an org and through the default (2 × 16 rounds)', async () => {
    const custom = await newOrgWithCustomPolicy('Kept rows', services[0]);
    const inheriting = (await services[0].call('POST', '/management/v1/orgs', token, { name: 'Kept rows, inheriting' })).body.id as string;
    const listed = async (reader: ServiceProcess, org: string) => {
      const read = await reader.call('POST', `${MGMT}/second_factors/_search`, token, {}, org);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      return (read.body.result as string[]).includes('SECOND_FACTOR_TYPE_OTP_SMS');
    };
    const stale: string[] = [];
    for (const [org, write] of [
      [custom, (writer: ServiceProcess, round: number) => toggle(writer, token, custom, round)],
      [
        inheriting,
        (writer: ServiceProcess, round: number) =>
          round % 2 === 0
            ? writer.call('POST', '/admin/v1/policies/login/second_factors', token, { type: OTP_SMS })
            : writer.call('DELETE', `/admin/v1/policies/login/second_factors/${OTP_SMS}`, token),
      ],
    ] as const) {
      // an even number of rounds: the default ends as it began, for the tests after this one
      for (let round = 0; round < 16; round++) {
        const [writer, reader] = round % 2 === 0 ? services : [services[1], services[0]];
        // the reader keeps the org's row, and once the state has been still for a while (the cache
        // stays unused for 100 ms after a change) answers the next read from it
        const before = await listed(reader, org);
        await new Promise((settled) => setTimeout(settled, 150));
        assert.equal(await listed(reader, org), before);
        const written = await write(writer, round);
        assert.equal(written.status, 200, JSON.stringify(written.body));
        if ((await listed(reader, org)) !== (round % 2 === 0)) stale.push(`${org === custom ? 'custom' : 'inheriting'} org, round ${round}`);
      }
    }
    assert.deepEqual(stale, []);
  });

  it('a change committed without a position (by a process of the previous version) is in the very next read of a kept row', async () => {
    const org = await newOrgWithCustomPolicy('Previous version', services[0]);
    const reader = services[1];
    const listed = async () => (await reader.call('POST', `${MGMT}/second_factors/_search`, token, {}, org)).body.result as string[];
    assert.deepEqual(await listed(), ['SECOND_FACTOR_TYPE_OTP']);
    await new Promise((settled) => setTimeout(settled, 150));
    assert.deepEqual(await listed(), ['SECOND_FACTOR_TYPE_OTP'], 'now answerable from the kept row');
    const connection = await createConnection({ uri: database.url, multipleStatements: true });
    try {
      // what a process of the previous version commits: the event without a position, and the projection; the counter does not move
      const [[stream]] = (await connection.query("SELECT instance_id, MAX(sequence) AS sequence FROM events WHERE aggregate_type = 'org' AND aggregate_id = ? GROUP BY instance_id", [org])) as unknown as [
        { instance_id: string; sequence: number }[],
      ];
      await connection.query(
        'START TRANSACTION; ' +
          'INSERT INTO events (instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at) ' +
          "VALUES (?, 'org', ?, ?, 'org.policy.login.secondfactor.added', ?, 'test', ?, NOW(3)); " +
          "UPDATE login_policies SET second_factors = '1,4', sequence = ? WHERE instance_id = ? AND owner_id = ?; " +
          'INSERT INTO login_policy_factors (instance_id, owner_id, kind, factor_type, sequence) VALUES (?, ?, ?, 4, ?); COMMIT',
        [stream.instance_id, org, stream.sequence + 1, JSON.stringify({ mfaType: OTP_SMS }), org, stream.sequence + 1, stream.instance_id, org, stream.instance_id, org, 'second', stream.sequence + 1],
      );
    } finally {
      await connection.end();
    }
    assert.deepEqual(await listed(), ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_OTP_SMS']);
  });

  it('RemoveOrg racing factor adds on both processes: no event of the org after org.removed (50 rounds)', async (t) => {
    const answers = new Map<number, number>();
    for (let round = 0; round < 50; round++) {
      // every other org follows the default, so some adds race as copy-on-write
      const org =
        round % 2 === 0
          ? await newOrgWithCustomPolicy(`Doomed ${round}`, services[round % 2])
          : (await services[0].call('POST', '/management/v1/orgs', token, { name: `Doomed ${round}` })).body.id;
      const racing = await Promise.all([
        services[0].call('POST', `${MGMT}/second_factors`, token, { type: 3 }, org),
        services[1].call('POST', `${MGMT}/second_factors`, token, { type: OTP_SMS }, org),
        services[1].call('DELETE', '/management/v1/orgs/me', token, undefined, org),
        services[0].call('POST', `${MGMT}/multi_factors`, token, { type: 1 }, org).then((r) => (r.status === 409 ? { ...r, status: 200 } : r)),
      ]);
      for (const { status } of racing) answers.set(status, (answers.get(status) ?? 0) + 1);
      assert.equal(racing[2].status, 200, `round ${round}: RemoveOrg answered ${JSON.stringify(racing[2].body)}`);
      for (const { status, body } of racing) assert.ok(status === 200 || status === 404, `round ${round}: ${status} ${JSON.stringify(body)}`);
      const history = (await services[round % 2].call('POST', EVENTS, token, { aggregateId: org, asc: true, limit: 1000 })).body.events as EventBody[];
      assert.equal(history.at(-1)?.type, 'org.removed', `round ${round}: ${history.map((event) => event.type).join(', ')}`);
      assert.deepEqual(
        history.map((event) => Number(event.sequence)),
        history.map((_, i) => i + 1),
        `round ${round}: gap-free sequences`,
      );
    }
    t.diagnostic(`answers: ${JSON.stringify(Object.fromEntries(answers))}`);
  });
});
