import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepFreeze, entityTagOf, jsonTextOf, memoByObject, memoByText } from '../../src/common/memo/read-memo.js';

describe('read-path memos', () => {
  it('compute once per text key, keep at most their capacity, and share frozen values', () => {
    let computed = 0;
    const decode = memoByText(2, (text) => {
      computed++;
      return { text, parts: text.split('|') };
    });
    const first = decode('a|b');
    assert.equal(decode('a|b'), first);
    assert.equal(computed, 1);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.parts));
    assert.throws(() => (first.parts as string[]).push('c'));
    decode('c');
    decode('d'); // 'a|b' leaves: capacity 2
    assert.notEqual(decode('a|b'), first);
    assert.equal(computed, 4);
  });

  it('compute once per source object, and again for an equal but different one', () => {
    let computed = 0;
    const map = memoByObject((source: { n: number }) => {
      computed++;
      return { double: source.n * 2 };
    }, (answer) => String(answer.double));
    const source = { n: 2 };
    assert.equal(map(source), map(source));
    assert.deepEqual(map({ n: 2 }), { double: 4 });
    assert.equal(computed, 2);
  });

  it('an answer carries its JSON text and its entity tag, made with it, in slots that are not part of it', () => {
    let tagged = 0;
    const versionOf = (value: { details: { sequence: string } }) => {
      tagged++;
      return value.details.sequence;
    };
    const answer = memoByObject((source: { n: number }) => ({ details: { sequence: String(source.n) }, result: ['a'] }), versionOf)({ n: 7 });
    assert.equal(tagged, 1, 'tagged once, when made');
    assert.equal(jsonTextOf(answer), '{"details":{"sequence":"7"},"result":["a"]}');
    assert.deepEqual(Object.keys(answer), ['details', 'result'], 'the rendering is not part of the answer');
    assert.deepStrictEqual(answer, { details: { sequence: '7' }, result: ['a'] });
    assert.deepEqual({ ...answer }, { details: { sequence: '7' }, result: ['a'] }, 'a copy does not carry it');
    assert.ok(Object.isFrozen(answer) && Object.isFrozen(answer.details));
    assert.equal(entityTagOf(answer, versionOf), '"7"');
    assert.equal(entityTagOf(answer, versionOf), '"7"');
    assert.equal(tagged, 1, 'the tag made with the answer is the one sent');
    assert.equal(entityTagOf(answer, () => 'other'), '"other"', 'another function tags anew');
    assert.equal(entityTagOf(answer, versionOf), '"7"');
    const plain = { details: { sequence: '8' } };
    assert.equal(jsonTextOf(plain), undefined);
    assert.equal(entityTagOf(plain, versionOf), '"8"');
    assert.equal(tagged, 2, 'a value without a rendering is tagged each time');
  });

  it('deepFreeze freezes nested objects and arrays and leaves primitives alone', () => {
    const value = deepFreeze({ a: [{ b: 1 }], c: 'x' });
    assert.ok(Object.isFrozen(value.a[0]));
    assert.equal(deepFreeze(3), 3);
  });
});
