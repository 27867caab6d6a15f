import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseHost, FailoverPool } from '../../src/common/database/failover-pool.js';

/** A host of the test: usable or not, and how often it was asked. */
interface FakeNode {
  name: string;
  usable: boolean;
  checks: number;
}

const lost = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function cluster(...usable: boolean[]): { nodes: FakeNode[]; pools: FailoverPool<FakeNode>; log: string[] } {
  const nodes = usable.map((up, i) => ({ name: `node${i}`, usable: up, checks: 0 }));
  const hosts: DatabaseHost<FakeNode>[] = nodes.map((node) => ({ name: node.name, pool: node }));
  const log: string[] = [];
  const pools = new FailoverPool(
    hosts,
    async (node) => {
      node.checks++;
      await new Promise((resolve) => setImmediate(resolve));
      if (!node.usable) throw lost;
    },
    (message) => log.push(message),
  );
  return { nodes, pools, log };
}

describe('FailoverPool', () => {
  it('moves to the next usable host after a node-unavailable error, in the order given, and logs the move', async () => {
    const { nodes, pools, log } = cluster(true, false, true);
    nodes[0].usable = false;
    assert.equal(pools.canMoveOn(lost), true);
    await pools.moveOn(nodes[0], lost);
    assert.equal(pools.current, nodes[2]);
    assert.equal(pools.failovers, 1);
    assert.match(log[0], /node0 cannot serve \(ECONNREFUSED\); moved to node2/);
  });

  it('does not move on an error that is no outage (a conflict, a bad statement)', () => {
    const { pools } = cluster(true, true);
    assert.equal(pools.canMoveOn(Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' })), false);
    assert.equal(pools.canMoveOn(new Error('syntax')), false);
    assert.equal(pools.canMoveOn(Object.assign(new Error('not ready'), { code: 'ER_UNKNOWN_COM_ERROR' })), true);
  });

  it('callers that fail together share one search; a caller that failed on a host already left does not move again', async () => {
    const { nodes, pools } = cluster(true, true, true);
    nodes[0].usable = false;
    await Promise.all(Array.from({ length: 50 }, () => pools.moveOn(nodes[0], lost)));
    assert.equal(pools.current, nodes[1]);
    assert.equal(pools.failovers, 1);
    assert.equal(nodes[1].checks, 1);
    await pools.moveOn(nodes[0], lost);
    assert.equal(pools.current, nodes[1]);
  });

  it('rejects with the error when no host is usable, and stays; later, it comes back to a host that serves again', async () => {
    const { nodes, pools } = cluster(true, false, false);
    nodes[0].usable = false;
    await assert.rejects(pools.moveOn(nodes[0], lost), (error) => error === lost);
    assert.equal(pools.current, nodes[0]);
    nodes[0].usable = true;
    await pools.moveOn(nodes[0], lost);
    assert.equal(pools.current, nodes[0], 'the failed host is tried last, and it serves again');
    assert.equal(pools.failovers, 0);
  });

  it('the readiness check is down only when no host is usable, and moves to a usable one', async () => {
    const { nodes, pools } = cluster(true, true);
    await pools.check();
    nodes[0].usable = false;
    await pools.check();
    assert.equal(pools.current, nodes[1]);
    nodes[1].usable = false;
    await assert.rejects(pools.check());
  });

  it('with one host nothing moves: no outage error is one to move on from, and the check is the host\'s own', async () => {
    const { nodes, pools } = cluster(true);
    assert.equal(pools.single, true);
    assert.equal(pools.canMoveOn(lost), false);
    nodes[0].usable = false;
    await assert.rejects(pools.check(), (error) => error === lost);
    assert.equal(nodes[0].checks, 1);
  });
});
