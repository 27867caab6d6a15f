import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidatedBodyMemo } from '../../src/common/validation/validated-body-memo.js';

class AddRequest {
  type: number;
  tags?: string[];
}
class OtherRequest {
  type: number;
}

const validated = (type: number, tags?: string[]) => Object.assign(new AddRequest(), { type, tags });

describe('validated bodies by their text (the direct lane)', () => {
  it('give back the kept body for the same class and text, frozen with what it holds', () => {
    const memo = new ValidatedBodyMemo();
    const text = '{"type":"SECOND_FACTOR_TYPE_OTP_SMS","tags":["a"]}';
    const body = memo.keep(AddRequest, text, validated(6, ['a']));
    assert.equal(memo.get(AddRequest, text), body);
    assert.ok(Object.isFrozen(body) && Object.isFrozen(body.tags));
    assert.throws(() => (body.tags as string[]).push('b'));
    assert.equal(memo.get(AddRequest, '{"type":6,"tags":["a"]}'), undefined, 'another text is validated on its own');
    assert.equal(memo.get(OtherRequest, text), undefined, 'another class is validated on its own');
    assert.equal(memo.get(AddRequest, undefined), undefined, 'no text (a body Fastify parsed): nothing to look up');
  });

  it('keep neither long bodies nor bodies without a text', () => {
    const memo = new ValidatedBodyMemo();
    const long = `{"type":6,"tags":["${'x'.repeat(300)}"]}`;
    const body = memo.keep(AddRequest, long, validated(6, ['x'.repeat(300)]));
    assert.equal(memo.get(AddRequest, long), undefined);
    assert.ok(!Object.isFrozen(body), 'a body that is not kept is left as the handler may expect it');
    memo.keep(AddRequest, undefined, validated(6));
    assert.equal(memo.get(AddRequest, undefined), undefined);
  });

  it('stay bounded: a flood of distinct bodies never holds more than 64 per class', () => {
    const memo = new ValidatedBodyMemo();
    const text = (i: number) => `{"type":6,"tags":["${i}"]}`;
    for (let i = 0; i < 10_000; i++) memo.keep(AddRequest, text(i), validated(6, [String(i)]));
    let kept = 0;
    for (let i = 0; i < 10_000; i++) if (memo.get(AddRequest, text(i)) !== undefined) kept++;
    assert.ok(kept > 0 && kept <= 64, `kept ${kept}`);
  });
});
