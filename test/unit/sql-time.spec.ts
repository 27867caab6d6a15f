import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromSqlTime, toSqlTime } from '../../src/common/database/sql-time.js';

describe('SQL time text', () => {
  it('is the UTC ISO text to the millisecond with a space for the T, for any date', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (date) => {
        assert.equal(toSqlTime(date), date.toISOString().slice(0, -1).replace('T', ' '));
      }),
      { numRuns: 20_000 },
    );
  });

  it('pads every field', () => {
    assert.equal(toSqlTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6))), '2026-01-02 03:04:05.006');
    assert.equal(toSqlTime(new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 999))), '2026-12-31 23:59:59.999');
    assert.equal(toSqlTime(new Date(Date.UTC(2026, 5, 15, 12, 30, 45, 70))), '2026-06-15 12:30:45.070');
  });

  it('reads back the time it wrote', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        assert.equal(fromSqlTime(toSqlTime(date)).getTime(), date.getTime());
      }),
    );
  });

  it('reads every text as the ISO parser reads it with a T and a Z, the stored shape and any other', () => {
    const asIso = (text: string) => new Date(`${text.replace(' ', 'T')}Z`).getTime();
    const stored = fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((date) => toSqlTime(date));
    // the stored shape with one character replaced: a digit that is no digit, a separator out of place, a year below 100
    const bent = fc.tuple(stored, fc.nat(22), fc.constantFrom('0', '9', ' ', '-', ':', '.', 'a', '/')).map(([text, at, char]) => text.slice(0, at) + char + text.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(stored, bent, fc.string()), (text) => {
        assert.deepEqual(fromSqlTime(text).getTime(), asIso(text));
      }),
      { numRuns: 20_000 },
    );
    assert.equal(fromSqlTime('0050-03-04 05:06:07.089').toISOString(), '0050-03-04T05:06:07.089Z');
    assert.equal(fromSqlTime('2026-01-02 03:04:05').toISOString(), '2026-01-02T03:04:05.000Z');
  });
});
