import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../src/common/auth/rate-limiter.js';

/** A limiter on a clock the test moves. */
function limiter(perSecond: number, burst: number, maxKeys = 100) {
  let now = 1_000_000;
  const limits = new RateLimiter(perSecond, burst, maxKeys, () => now);
  return { limits, advance: (ms: number) => (now += ms) };
}

const takeAll = (limits: RateLimiter, key: string, count: number) => Array.from({ length: count }, () => limits.take(key));

describe('the rate limiter (a token bucket per key)', () => {
  it('lets a burst through, then refuses with the whole seconds until one more request may go', () => {
    const { limits } = limiter(2, 3);
    assert.deepEqual(takeAll(limits, 'a', 4), [0, 0, 0, 1]);
    const { limits: slow } = limiter(0.1, 1);
    assert.deepEqual(takeAll(slow, 'a', 2), [0, 10]);
  });

  it('refills at the rate, never beyond the burst', () => {
    const { limits, advance } = limiter(2, 3);
    takeAll(limits, 'a', 3);
    advance(500);
    assert.deepEqual(takeAll(limits, 'a', 2), [0, 1]);
    advance(60_000);
    assert.deepEqual(takeAll(limits, 'a', 4), [0, 0, 0, 1]);
  });

  it('keeps each key to its own budget', () => {
    const { limits } = limiter(1, 2);
    assert.deepEqual(takeAll(limits, 'a', 3), [0, 0, 1]);
    assert.deepEqual(takeAll(limits, 'b', 2), [0, 0]);
  });

  it('refuses nothing more while refused: a refusal takes no budget', () => {
    const { limits, advance } = limiter(1, 1);
    limits.take('a');
    assert.equal(limits.take('a'), 1);
    advance(999);
    assert.equal(limits.take('a'), 1);
    advance(1);
    assert.equal(limits.take('a'), 0);
  });

  it('peek answers the wait without taking anything', () => {
    const { limits } = limiter(1, 2);
    assert.equal(limits.peek('a'), 0);
    takeAll(limits, 'a', 2);
    assert.equal(limits.peek('a'), 1);
    assert.equal(limits.peek('a'), 1);
    assert.equal(limits.peek('unknown'), 0);
  });

  it('reports a key as starting to be refused once, until it is let through again', () => {
    const { limits, advance } = limiter(1, 1);
    limits.take('a');
    assert.equal(limits.startsRefusing('a'), true);
    assert.equal(limits.startsRefusing('a'), false);
    advance(1000);
    limits.take('a');
    assert.equal(limits.startsRefusing('a'), true);
  });

  it('a clock that goes back refills nothing', () => {
    const { limits, advance } = limiter(1, 1);
    limits.take('a');
    advance(-5000);
    assert.equal(limits.take('a'), 1);
  });

  it('remembers at most maxKeys keys, forgetting the one that came first; the sweep forgets the keys whose bucket is full again', () => {
    const { limits, advance } = limiter(1, 2, 3);
    for (const key of ['a', 'b', 'c', 'd']) limits.take(key);
    assert.equal(limits.size, 3);
    // a was forgotten: it starts again with a full bucket
    assert.deepEqual(takeAll(limits, 'a', 2), [0, 0]);
    advance(1000);
    limits.sweep();
    // b, c and d refilled to 2 and were forgotten; a (at 1 of 2) is kept
    assert.equal(limits.size, 1);
    assert.equal(limits.peek('a'), 0);
  });

  it('refuses a limit that could never let anything through', () => {
    assert.throws(() => new RateLimiter(0, 10), /perSecond > 0/);
    assert.throws(() => new RateLimiter(1, 0), /burst >= 1/);
  });
});
