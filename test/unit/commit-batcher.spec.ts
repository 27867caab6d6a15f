import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitBatcher, MAX_UNITS_PER_BATCH } from '../../src/common/database/commit-batcher.js';
import { SqlStatement } from '../../src/common/database/sql.js';

/** A database whose commits finish when the test says so; a commit holding a `FAIL` statement fails, and keeps nothing. */
class HeldCommits {
  readonly started: { writes: SqlStatement[]; finish: () => void }[] = [];
  readonly committed: string[] = [];

  readonly commit = (units: SqlStatement[][]): Promise<void> =>
    new Promise((resolve, reject) => {
      const writes = units.flat();
      this.started.push({
        writes,
        finish: () => {
          if (writes.some((write) => write.sql === 'FAIL')) return reject(new Error('duplicate key'));
          this.committed.push(...writes.map((write) => write.sql));
          resolve();
        },
      });
    });

  async finishAll(): Promise<void> {
    for (let next = this.started.shift(); next; next = this.started.shift()) {
      next.finish();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const unit = (...sql: string[]): SqlStatement[] => sql.map((statement) => ({ sql: statement, params: [] }));

describe('the commit batcher', () => {
  it('commits the units that wait together in one transaction, in the order they came', async () => {
    const db = new HeldCommits();
    const batcher = new CommitBatcher(db.commit, 1);
    const first = batcher.commit(unit('a1'));
    const waiting = [batcher.commit(unit('b1', 'b2')), batcher.commit(unit('c1'))];
    assert.equal(db.started.length, 1, 'the first commit starts at once, the others wait');
    await db.finishAll();
    await Promise.all([first, ...waiting]);
    assert.deepEqual(db.committed, ['a1', 'b1', 'b2', 'c1']);
  });

  it('when a shared transaction fails, commits every unit alone: the failing one gets its error, the others commit', async () => {
    const db = new HeldCommits();
    const batcher = new CommitBatcher(db.commit, 1);
    const first = batcher.commit(unit('a1'));
    const good = batcher.commit(unit('b1'));
    const bad = assert.rejects(batcher.commit(unit('c1', 'FAIL')), /duplicate key/);
    const alsoGood = batcher.commit(unit('d1'));
    await db.finishAll();
    await Promise.all([first, good, alsoGood, bad]);
    assert.deepEqual(db.committed.sort(), ['a1', 'b1', 'd1'], 'nothing of the failing unit, everything of the others');
  });

  it('a failure that is no unit\'s own (its node went away) fails every unit of the transaction; none is committed again alone', async () => {
    const db = new HeldCommits();
    const batcher = new CommitBatcher(db.commit, 1, (error) => (error as Error).message === 'duplicate key');
    const first = batcher.commit(unit('a1'));
    const shared = [batcher.commit(unit('b1')), batcher.commit(unit('c1', 'FAIL'))].map((commit) => assert.rejects(commit, /duplicate key/));
    await db.finishAll();
    await Promise.all([first, ...shared]);
    assert.deepEqual(db.committed, ['a1']);
    assert.equal(db.started.length, 0);
  });

  it('a unit alone that fails gets its error, and later units still commit', async () => {
    const db = new HeldCommits();
    const batcher = new CommitBatcher(db.commit, 2);
    const bad = assert.rejects(batcher.commit(unit('FAIL')), /duplicate key/);
    await db.finishAll();
    await bad;
    const later = batcher.commit(unit('x'));
    await db.finishAll();
    await later;
    assert.deepEqual(db.committed, ['x']);
  });

  it(`carries at most ${MAX_UNITS_PER_BATCH} units per transaction and runs at most maxInFlight at once`, async () => {
    const db = new HeldCommits();
    const batcher = new CommitBatcher(db.commit, 2);
    const units = Array.from({ length: MAX_UNITS_PER_BATCH + 10 }, (_, index) => batcher.commit(unit(`u${index}`)));
    assert.equal(db.started.length, 2);
    const sizes: number[] = [];
    for (let next = db.started.shift(); next; next = db.started.shift()) {
      sizes.push(next.writes.length);
      next.finish();
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(db.started.length <= 2);
    }
    await Promise.all(units);
    assert.deepEqual(sizes, [1, 1, MAX_UNITS_PER_BATCH, 8]);
  });
});
