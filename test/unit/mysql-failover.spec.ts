import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pool } from 'mysql2';
import { FailoverPool } from '../../src/common/database/failover-pool.js';
import { MysqlDatabase } from '../../src/common/database/mysql-database.js';
import { SqlRow } from '../../src/common/database/sql.js';
import { SqlTransaction } from '../../src/common/database/sql-transaction.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', fatal: true });
const cut = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });

/** What happens to the next commit sent to a node. */
type CommitFate = 'commits' | 'cut after it committed' | 'cut before it committed';

/** The cluster of the test: the events every node sees, and the commits that landed. */
class FakeCluster {
  readonly events: SqlRow[] = [];
  commits = 0;
  /** The event row the unit of the test writes (what a committed unit leaves behind). */
  eventOfUnit: SqlRow | undefined;
}

/** A node and the mysql2 pool of its host, as far as MysqlDatabase uses it. */
class FakeNode {
  up = true;
  reads = 0;
  nextCommit: CommitFate = 'commits';

  constructor(
    readonly name: string,
    private readonly cluster: FakeCluster,
  ) {}

  execute(sql: string, _params: unknown[], done: (error: Error | null, rows?: SqlRow[]) => void): void {
    setImmediate(() => {
      if (!this.up) return done(refused());
      this.reads++;
      if (sql.startsWith('SELECT instance_id, aggregate_type')) return done(null, [...this.cluster.events]);
      done(null, [{ v: this.cluster.commits }]);
    });
  }

  getConnection(done: (error: Error | null, connection?: unknown) => void): void {
    setImmediate(() => {
      if (!this.up) return done(refused());
      done(null, {
        query: (sql: string, answer: (error: Error | null) => void) => setImmediate(() => answer(this.run(sql))),
        release: () => undefined,
        destroy: () => undefined,
      });
    });
  }

  private run(sql: string): Error | null {
    if (!this.up) return cut();
    if (!sql.startsWith('START TRANSACTION')) return null;
    const fate = this.nextCommit;
    this.nextCommit = 'commits';
    if (fate !== 'cut before it committed') {
      this.cluster.commits++;
      if (this.cluster.eventOfUnit) this.cluster.events.push(this.cluster.eventOfUnit);
    }
    if (fate === 'commits') return null;
    this.up = false;
    return cut();
  }
}

function setUp(hosts: number) {
  const cluster = new FakeCluster();
  const nodes = Array.from({ length: hosts }, (_, i) => new FakeNode(`node${i}`, cluster));
  const pools = new FailoverPool<Pool>(
    nodes.map((node) => ({ name: node.name, pool: node as unknown as Pool })),
    async (pool) => {
      if (!(pool as unknown as FakeNode).up) throw refused();
    },
  );
  return { cluster, nodes, pools, db: new MysqlDatabase(pools) };
}

const EVENT = {
  instance_id: 'i1',
  aggregate_type: 'org',
  aggregate_id: 'o1',
  sequence: 1,
  event_type: 'org.policy.login.secondfactor.added',
  payload: '{"mfaType":4}',
  creator: 'user-1',
  created_at: '2026-12-03 14:00:00.123',
};

/** A command: reads, then appends its event; counts how often it ran. */
function command(runs: { count: number }) {
  return async (tx: SqlTransaction) => {
    runs.count++;
    await tx.read('SELECT v FROM kv');
    tx.writeNumbered({
      counter: { table: 'event_positions', column: 'last_position', where: 'id = 1' },
      count: 1,
      inserts: [
        {
          into: 'events (position, instance_id, aggregate_type, aggregate_id, sequence, event_type, payload, creator, resource_owner, created_at)',
          rows: [[EVENT.instance_id, EVENT.aggregate_type, EVENT.aggregate_id, EVENT.sequence, EVENT.event_type, EVENT.payload, EVENT.creator, 'o1', EVENT.created_at]],
        },
      ],
    });
    return 'done';
  };
}

describe('MysqlDatabase on several hosts: when its node goes away', () => {
  it('a read runs again on the next usable host', async () => {
    const { nodes, pools, db } = setUp(3);
    nodes[0].up = false;
    nodes[1].up = false;
    assert.deepEqual(await db.read('SELECT v FROM kv'), [{ v: 0 }]);
    assert.equal(pools.current, nodes[2] as unknown);
    assert.equal(nodes[2].reads, 1);
  });

  it('a unit whose commit was never sent runs again from its read on the next node, and commits once', async () => {
    const { cluster, nodes, db } = setUp(2);
    cluster.eventOfUnit = EVENT;
    nodes[0].nextCommit = 'cut before it committed';
    const runs = { count: 0 };
    assert.equal(await db.transaction(command(runs)), 'done');
    assert.equal(runs.count, 2);
    assert.equal(cluster.commits, 1);
    assert.equal(nodes[1].reads, 2, 'the check found no event, then the unit read again');
  });

  it('a unit whose connection died after its commit landed is answered, not run again: its events are there', async () => {
    const { cluster, nodes, db } = setUp(2);
    cluster.eventOfUnit = EVENT;
    nodes[0].nextCommit = 'cut after it committed';
    const runs = { count: 0 };
    assert.equal(await db.transaction(command(runs)), 'done');
    assert.equal(runs.count, 1);
    assert.equal(cluster.commits, 1);
  });

  it('a unit whose node is gone before its commit (connection refused) runs again on the next node', async () => {
    const { cluster, nodes, db } = setUp(2);
    const runs = { count: 0 };
    const work = command(runs);
    assert.equal(
      await db.transaction(async (tx) => {
        const answer = await work(tx);
        if (runs.count === 1) nodes[0].up = false;
        return answer;
      }),
      'done',
    );
    assert.equal(runs.count, 2);
    assert.equal(cluster.commits, 1);
  });

  it('with no usable host left, the outage error stands (503 / code 14), and no success is answered', async () => {
    const { nodes, db } = setUp(2);
    nodes[0].nextCommit = 'cut before it committed';
    nodes[1].up = false;
    await assert.rejects(db.transaction(command({ count: 0 })), (error: { code?: string }) => error.code === 'PROTOCOL_CONNECTION_LOST');
  });

  it('with one host, a lost node fails the statement at once, as before', async () => {
    const { nodes, db } = setUp(1);
    nodes[0].up = false;
    await assert.rejects(db.read('SELECT v FROM kv'), (error: { code?: string }) => error.code === 'ECONNREFUSED');
    const runs = { count: 0 };
    await assert.rejects(db.transaction(command(runs)), (error: { code?: string }) => error.code === 'ECONNREFUSED');
    assert.equal(runs.count, 1, 'its read failed, and it did not run again');
  });
});
