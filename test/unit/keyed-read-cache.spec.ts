import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GenerationCheck } from '../../src/common/database/generation-check.js';
import { KeyedRead, ROW_KEY } from '../../src/common/database/keyed-read.js';
import { KeyedReadCache } from '../../src/common/database/keyed-read-cache.js';

const byKey = new KeyedRead((keys) => `SELECT k AS ${ROW_KEY} FROM t WHERE scope = ? AND k IN (${keys})`);
const otherRead = new KeyedRead((keys) => `SELECT k AS ${ROW_KEY} FROM u WHERE scope = ? AND k IN (${keys})`);

/** Past the time the cache stays unused after the state changed. */
const settled = () => new Promise((done) => setTimeout(done, 120));

describe('rows kept for a generation of the committed state', () => {
  it('offers a row only once the state has been still for a while, with the generation it was read at', async () => {
    const cache = new KeyedReadCache(10);
    cache.keep(byKey, ['s'], 'a', { [ROW_KEY]: 'a' }, 7);
    assert.equal(cache.lookup(byKey, ['s'], 'a'), undefined, 'right after a change nothing is offered');
    assert.equal(cache.offering, false);
    await settled();
    assert.equal(cache.offering, true);
    assert.deepEqual([cache.lookup(byKey, ['s'], 'a'), cache.generation], [{ [ROW_KEY]: 'a' }, 7]);
    assert.equal(cache.lookup(byKey, ['t'], 'a'), undefined, 'another scope');
    assert.equal(cache.lookup(otherRead, ['s'], 'a'), undefined, 'another read');
  });

  it('drops every row when a newer generation shows up, and never keeps a row read at an older one', async () => {
    const cache = new KeyedReadCache(10);
    cache.keep(byKey, ['s'], 'a', { [ROW_KEY]: 'a' }, 7);
    cache.advance(8);
    cache.keep(byKey, ['s'], 'b', { [ROW_KEY]: 'b' }, 7);
    await settled();
    assert.equal(cache.lookup(byKey, ['s'], 'a'), undefined);
    assert.equal(cache.lookup(byKey, ['s'], 'b'), undefined, 'read at 7 while the state is at 8');
    cache.keep(byKey, ['s'], 'c', { [ROW_KEY]: 'c' }, 9);
    await settled();
    assert.deepEqual([cache.lookup(byKey, ['s'], 'c'), cache.generation], [{ [ROW_KEY]: 'c' }, 9]);
    cache.advance(9);
    assert.deepEqual([cache.lookup(byKey, ['s'], 'c'), cache.generation], [{ [ROW_KEY]: 'c' }, 9], 'the same generation again changes nothing');
  });

  it('keeps at most its capacity, the oldest row leaving first', async () => {
    const cache = new KeyedReadCache(3);
    for (const key of ['a', 'b', 'c', 'd']) cache.keep(byKey, ['s'], key, { [ROW_KEY]: key }, 1);
    await settled();
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((key) => cache.lookup(byKey, ['s'], key) !== undefined),
      [false, true, true, true],
    );
  });
  it('counts a row kept again once, as its newest, across scopes and reads', async () => {
    const cache = new KeyedReadCache(3);
    cache.keep(byKey, ['s'], 'a', { [ROW_KEY]: 'a' }, 1);
    cache.keep(byKey, ['s'], 'b', { [ROW_KEY]: 'b' }, 1);
    cache.keep(byKey, ['s'], 'a', { [ROW_KEY]: 'a2' }, 1);
    cache.keep(otherRead, ['s'], 'c', { [ROW_KEY]: 'c' }, 1);
    cache.keep(byKey, ['t', 'u'], 'd', { [ROW_KEY]: 'd' }, 1);
    await settled();
    assert.equal(cache.lookup(byKey, ['s'], 'b'), undefined, 'b was the oldest');
    assert.deepEqual(cache.lookup(byKey, ['s'], 'a'), { [ROW_KEY]: 'a2' });
    assert.ok(cache.lookup(otherRead, ['s'], 'c'));
    assert.ok(cache.lookup(byKey, ['t', 'u'], 'd'));
    assert.equal(cache.lookup(byKey, ['t'], 'd'), undefined, 'a scope is matched whole');
  });

  it('stays unused until the changes have stopped for a while', async () => {
    const cache = new KeyedReadCache(10);
    cache.keep(byKey, ['s'], 'a', { [ROW_KEY]: 'a' }, 1);
    await new Promise((done) => setTimeout(done, 60));
    cache.keep(byKey, ['s'], 'a', { [ROW_KEY]: 'a' }, 2);
    await new Promise((done) => setTimeout(done, 60));
    assert.equal(cache.lookup(byKey, ['s'], 'a'), undefined, '60 ms after the last change');
    await settled();
    assert.deepEqual([cache.lookup(byKey, ['s'], 'a'), cache.generation], [{ [ROW_KEY]: 'a' }, 2]);
  });
});

describe('the generation check', () => {
  it('answers every caller with a check that started after it asked, one check for all who asked meanwhile', async () => {
    let generation = 1;
    const started: (() => void)[] = [];
    const check = new GenerationCheck(
      () =>
        new Promise<number>((resolve) => {
          const seen = generation;
          started.push(() => resolve(seen));
        }),
      1,
    );
    const first = check.latest();
    generation = 2;
    const waiting = [check.latest(), check.latest()];
    assert.equal(started.length, 1, 'the later callers wait for the next check');
    started[0]();
    assert.equal(await first, 1);
    assert.equal(started.length, 2, 'one check for both waiting callers');
    started[1]();
    assert.deepEqual(await Promise.all(waiting), [2, 2], 'they see the state after they asked');
  });

  it('passes a failed check on to the callers it answers, and the next check runs', async () => {
    let fail = true;
    const check = new GenerationCheck(async () => {
      if (fail) throw new Error('server gone');
      return 5;
    }, 1);
    await assert.rejects(check.latest(), /server gone/);
    fail = false;
    assert.equal(await check.latest(), 5);
  });
});
