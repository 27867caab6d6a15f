import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MultiFactorType, SecondFactorType } from '../../src/common/proto/policy-enums.js';
import { ENUM_UNDEFINED_REJECTED, ENUM_ZERO_REJECTED, enumViolation } from '../../src/common/proto/proto-enum.js';
import { duration, parseDuration, timestamp, uint64 } from '../../src/common/proto/wire-format.js';
import { RouteTable } from '../../src/common/http/route-table.js';

describe('protobuf enums', () => {
  it('read names, numbers and numeric strings; write names', () => {
    assert.equal(SecondFactorType.toNumber('SECOND_FACTOR_TYPE_OTP_SMS'), 4);
    assert.equal(SecondFactorType.toNumber(3), 3);
    assert.equal(SecondFactorType.toNumber('2'), 2);
    assert.equal(SecondFactorType.nameOf(1), 'SECOND_FACTOR_TYPE_OTP');
    assert.equal(MultiFactorType.toNumber('MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'), 1);
  });

  it('reject 0, missing, unknown names, undefined numbers and other JSON types', () => {
    assert.equal(enumViolation(SecondFactorType, 0, false), ENUM_ZERO_REJECTED);
    assert.equal(enumViolation(SecondFactorType, undefined, false), ENUM_ZERO_REJECTED);
    assert.equal(enumViolation(SecondFactorType, 'SECOND_FACTOR_TYPE_UNSPECIFIED', false), ENUM_ZERO_REJECTED);
    assert.equal(enumViolation(SecondFactorType, 'FOO', false), ENUM_UNDEFINED_REJECTED);
    assert.equal(enumViolation(SecondFactorType, 99, false), ENUM_UNDEFINED_REJECTED);
    assert.equal(enumViolation(SecondFactorType, 1.5, false), ENUM_UNDEFINED_REJECTED);
    assert.equal(enumViolation(SecondFactorType, true, false), ENUM_UNDEFINED_REJECTED);
    assert.equal(enumViolation(SecondFactorType, 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION', false), ENUM_UNDEFINED_REJECTED);
    assert.equal(enumViolation(SecondFactorType, 0, true), undefined);
    assert.equal(enumViolation(SecondFactorType, 'SECOND_FACTOR_TYPE_U2F', false), undefined);
  });
});

describe('scalar JSON mapping', () => {
  it('uint64 as strings, timestamps with milliseconds, durations in seconds', () => {
    assert.equal(uint64(12), '12');
    assert.equal(timestamp(new Date(Date.UTC(2024, 5, 13, 6, 44, 37, 642))), '2024-06-13T06:44:37.642Z');
    assert.equal(timestamp(new Date(Date.UTC(2024, 5, 13))), '2024-06-13T00:00:00.000Z');
    assert.equal(duration(64800), '64800s');
  });

  it('durations parse whole seconds only', () => {
    assert.equal(parseDuration('64800s'), 64800);
    assert.equal(parseDuration('0s'), 0);
    assert.equal(parseDuration('3.000s'), 3);
    assert.equal(parseDuration('1.5s'), undefined);
    assert.equal(parseDuration('-1s'), undefined);
    assert.equal(parseDuration('10h'), undefined);
    assert.equal(parseDuration('999999999999s'), undefined);
  });
});

describe('route table', () => {
  it('knows the methods of literal and parameterised paths', () => {
    const table = new RouteTable();
    table.add('/a/v1/policies/login', 'GET');
    table.add('/a/v1/policies/login', ['PUT', 'HEAD']);
    table.add('/a/v1/policies/login/second_factors/:type', 'DELETE');
    assert.deepEqual(table.methodsFor('/a/v1/policies/login'), ['GET', 'PUT']);
    assert.deepEqual(table.methodsFor('/a/v1/policies/login/second_factors/1'), ['DELETE']);
    assert.deepEqual(table.methodsFor('/a/v1/policies/logins'), []);
    assert.deepEqual(table.methodsFor('/a/v1/policies/login/second_factors/1/x'), []);
  });
});
