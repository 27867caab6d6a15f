import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairedRatio } from '../../bench/support/paired-ratio.js';

describe("the bench's paired-slice ratio", () => {
  it('is the geometric mean of the per-pair ratios, whatever both slices of a pair share', () => {
    // row A drifts from 2 to 8 ms, row B is 1.1× its neighbour in every pair: the drift cancels
    const a = [2, 4, 8, 4, 2];
    const paired = pairedRatio(a, a.map((x) => x * 1.1));
    assert.ok(paired);
    assert.ok(Math.abs(paired.ratio - 1.1) < 1e-12);
    assert.ok(Math.abs(paired.low - 1.1) < 1e-12 && Math.abs(paired.high - 1.1) < 1e-12);
    assert.equal(paired.pairs, 5);
  });

  it("gives a 95% interval from Student's t on the logarithms", () => {
    // logs of the ratios: ln 1.2 and ln(1/1.2), mean 0, sample sd ln(1.2)·√2, two pairs: t = 12.706
    const paired = pairedRatio([1, 1.2], [1.2, 1]);
    assert.ok(paired);
    assert.ok(Math.abs(paired.ratio - 1) < 1e-12);
    const half = 12.706 * ((Math.log(1.2) * Math.SQRT2) / Math.SQRT2);
    assert.ok(Math.abs(paired.high - Math.exp(half)) < 1e-9);
    assert.ok(Math.abs(paired.low - Math.exp(-half)) < 1e-9);
  });

  it('narrows as pairs are added, and needs two of them', () => {
    const noisy = (n: number) => Array.from({ length: n }, (_, k) => (k % 2 === 0 ? 1.15 : 0.95));
    const few = pairedRatio(Array(4).fill(1), noisy(4));
    const many = pairedRatio(Array(40).fill(1), noisy(40));
    assert.ok(few && many);
    assert.ok(many.high - many.low < (few.high - few.low) / 3);
    assert.equal(pairedRatio([1], [1.1]), undefined);
  });
});
