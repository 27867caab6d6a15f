import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Type } from '@nestjs/common';
import { describe, it } from 'node:test';
import { REQUEST_INPUT, withPathParams } from '../../src/common/api/request-input.js';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { ErrorKind, httpStatusOf } from '../../src/common/errors/error-kind.js';
import { MultiFactorType, PasswordlessType, SecondFactorType } from '../../src/common/proto/policy-enums.js';
import { RequestValidationPipe } from '../../src/common/validation/request-validation.pipe.js';
import { RemoveMultiFactorFromLoginPolicyRequest, RemoveSecondFactorFromLoginPolicyRequest } from '../../src/modules/login-policy/dto/factor-requests.dto.js';
import { SEED_SETTINGS } from '../../src/modules/login-policy/login-policy-settings.js';
import {
  toDetailsResponse,
  toFactorLists,
  toGetLoginPolicyResponse,
  toLoginPolicy,
  toMultiFactorList,
  toObjectDetails,
  toPolicyResponse,
  toSecondFactorList,
  toSettings,
} from '../../src/modules/login-policy/login-policy.mapper.js';
import { LoginPolicyState } from '../../src/modules/login-policy/login-policy.model.js';

const CREATED = new Date('2026-12-01T08:00:00.123Z');
const CHANGED = new Date('2026-12-02T09:30:00.456Z');

const orgPolicy: LoginPolicyState = {
  ownerId: '200000000000000002',
  isDefault: false,
  settings: { ...SEED_SETTINGS, passwordlessType: 0, defaultRedirectUri: 'https://console.example.com/', secondFactorCheckLifetime: 64800 },
  factors: { second: [3, 1], multi: [1] },
  sequence: 12,
  creationDate: CREATED,
  changeDate: CHANGED,
};

describe('the login-policy mappers', () => {
  describe('enums', () => {
    it('name every defined number and read names, numbers and numeric strings back', () => {
      const cases = [
        [SecondFactorType, ['SECOND_FACTOR_TYPE_UNSPECIFIED', 'SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL', 'SECOND_FACTOR_TYPE_OTP_SMS']],
        [MultiFactorType, ['MULTI_FACTOR_TYPE_UNSPECIFIED', 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']],
        [PasswordlessType, ['PASSWORDLESS_TYPE_NOT_ALLOWED', 'PASSWORDLESS_TYPE_ALLOWED']],
      ] as const;
      for (const [protoEnum, names] of cases) {
        names.forEach((name, number) => {
          assert.equal(protoEnum.nameOf(number), name);
          assert.equal(protoEnum.toNumber(name), number);
          assert.equal(protoEnum.toNumber(number), number);
          assert.equal(protoEnum.toNumber(String(number)), number);
        });
        for (const unknown of [names.length, -1, 1.5, '1.5', 'OTP', '', null, true]) assert.equal(protoEnum.toNumber(unknown), undefined, `${String(unknown)} is no ${protoEnum.shortName}`);
        assert.throws(() => protoEnum.nameOf(names.length), /is not a value of/);
      }
    });
  });

  describe('responses', () => {
    it('ObjectDetails: the sequence as a uint64 string, RFC 3339 times, the creation date only when the change has one', () => {
      assert.deepEqual(toDetailsResponse({ sequence: 7, creationDate: CREATED, changeDate: CHANGED, resourceOwner: '42' }), {
        details: { sequence: '7', creationDate: '2026-12-01T08:00:00.123Z', changeDate: '2026-12-02T09:30:00.456Z', resourceOwner: '42' },
      });
      const removed = toObjectDetails({ sequence: 8, changeDate: CHANGED, resourceOwner: '42' });
      assert.deepEqual(removed, { sequence: '8', changeDate: '2026-12-02T09:30:00.456Z', resourceOwner: '42' });
      assert.equal('creationDate' in removed, false);
    });

    it('factor lists: enum names in the order given, list details with uint64 strings, an empty result present', () => {
      assert.deepEqual(toSecondFactorList({ factors: { second: [3, 1, 4], multi: [1] }, sequence: 9, changeDate: CHANGED }), {
        details: { totalResult: '3', processedSequence: '9', viewTimestamp: '2026-12-02T09:30:00.456Z' },
        result: ['SECOND_FACTOR_TYPE_OTP_EMAIL', 'SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_OTP_SMS'],
      });
      assert.deepEqual(toMultiFactorList({ factors: { second: [1], multi: [] }, sequence: 2, changeDate: CHANGED }), {
        details: { totalResult: '0', processedSequence: '2', viewTimestamp: '2026-12-02T09:30:00.456Z' },
        result: [],
      });
    });

    it('a policy: every field in protobuf field order, enums by name, durations as seconds, details owned by the policy owner', () => {
      const policy = toLoginPolicy(orgPolicy) as unknown as Record<string, unknown>;
      assert.deepEqual(Object.keys(policy), [
        'details',
        'allowUsernamePassword',
        'allowRegister',
        'allowExternalIdp',
        'forceMfa',
        'passwordlessType',
        'isDefault',
        'hidePasswordReset',
        'ignoreUnknownUsernames',
        'defaultRedirectUri',
        'passwordCheckLifetime',
        'externalLoginCheckLifetime',
        'mfaInitSkipLifetime',
        'secondFactorCheckLifetime',
        'multiFactorCheckLifetime',
        'secondFactors',
        'multiFactors',
        'idps',
        'allowDomainDiscovery',
        'disableLoginWithEmail',
        'disableLoginWithPhone',
        'forceMfaLocalOnly',
        'useDefaultUriForNotificationLinks',
      ]);
      assert.deepEqual(policy.details, {
        sequence: '12',
        creationDate: '2026-12-01T08:00:00.123Z',
        changeDate: '2026-12-02T09:30:00.456Z',
        resourceOwner: '200000000000000002',
      });
      assert.equal(policy.isDefault, false);
      assert.equal(policy.passwordlessType, 'PASSWORDLESS_TYPE_NOT_ALLOWED');
      assert.equal(policy.defaultRedirectUri, 'https://console.example.com/');
      assert.equal(policy.secondFactorCheckLifetime, '64800s');
      assert.equal(policy.passwordCheckLifetime, '864000s');
      assert.equal(policy.allowUsernamePassword, true);
      assert.deepEqual(policy.secondFactors, ['SECOND_FACTOR_TYPE_OTP_EMAIL', 'SECOND_FACTOR_TYPE_OTP']);
      assert.deepEqual(policy.multiFactors, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);
      assert.deepEqual(policy.idps, []);
    });

    it('GetLoginPolicy repeats isDefault at the top level; GetDefaultLoginPolicy answers only { policy }', () => {
      const instanceDefault = { ...orgPolicy, ownerId: '1', isDefault: true };
      const management = toGetLoginPolicyResponse(instanceDefault);
      assert.equal(management.isDefault, true);
      assert.equal(management.policy.isDefault, true);
      assert.equal(management.policy.details.resourceOwner, '1');
      assert.deepEqual(Object.keys(toPolicyResponse(instanceDefault)), ['policy']);
      assert.deepEqual(toPolicyResponse(instanceDefault).policy, management.policy);
    });
  });

  describe('requests', () => {
    it('settings: validated fields as the model keeps them, absent ones as their protobuf zero value', () => {
      assert.deepEqual(toSettings({ allowRegister: true, passwordlessType: 1, passwordCheckLifetime: '3600s', defaultRedirectUri: 'https://a.example/' }), {
        allowUsernamePassword: false,
        allowRegister: true,
        allowExternalIdp: false,
        forceMfa: false,
        passwordlessType: 1,
        hidePasswordReset: false,
        ignoreUnknownUsernames: false,
        defaultRedirectUri: 'https://a.example/',
        passwordCheckLifetime: 3600,
        externalLoginCheckLifetime: 0,
        mfaInitSkipLifetime: 0,
        secondFactorCheckLifetime: 0,
        multiFactorCheckLifetime: 0,
        allowDomainDiscovery: false,
        disableLoginWithEmail: false,
        disableLoginWithPhone: false,
        forceMfaLocalOnly: false,
        useDefaultUriForNotificationLinks: false,
      });
    });

    it('factor lists: given lists as they are, absent ones empty', () => {
      assert.deepEqual(toFactorLists({ secondFactors: [2, 2, 1] }), { second: [2, 2, 1], multi: [] });
      assert.deepEqual(toFactorLists({ multiFactors: [1] }), { second: [], multi: [1] });
    });
  });
});

describe('a factor type in the REST path, as the request message it becomes', () => {
  const validation = new RequestValidationPipe();
  /** What a handler's `@Input()` gets for `DELETE …/{type}` (no body). */
  const removeRequest = (metatype: Type, type: string) =>
    validation.transform(withPathParams(undefined, { type }), { type: 'custom', metatype, data: REQUEST_INPUT }) as Promise<{ type: number }>;

  it('reads a name or a number', async () => {
    assert.equal((await removeRequest(RemoveSecondFactorFromLoginPolicyRequest, 'SECOND_FACTOR_TYPE_OTP_EMAIL')).type, 3);
    assert.equal((await removeRequest(RemoveSecondFactorFromLoginPolicyRequest, '2')).type, 2);
    assert.equal((await removeRequest(RemoveMultiFactorFromLoginPolicyRequest, 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION')).type, 1);
    assert.equal((await removeRequest(RemoveMultiFactorFromLoginPolicyRequest, '1')).type, 1);
  });

  it('takes the path over a body field of the same name', async () => {
    const request = await validation.transform(withPathParams({ type: 'SECOND_FACTOR_TYPE_UNSPECIFIED' }, { type: '1' }), {
      type: 'custom',
      metatype: RemoveSecondFactorFromLoginPolicyRequest,
      data: REQUEST_INPUT,
    });
    assert.equal((request as { type: number }).type, 1);
  });

  /** The 400 INVALID_ARGUMENT with one BadRequest field violation on `type`. */
  async function assertRejected(metatype: Type, value: string, description: string): Promise<void> {
    await assert.rejects(removeRequest(metatype, value), (error: unknown) => {
      assert.ok(error instanceof DomainError, `${value}: a DomainError`);
      assert.equal(error.kind, ErrorKind.InvalidArgument);
      assert.equal(httpStatusOf(error.kind), 400);
      assert.equal(error.id, undefined);
      assert.equal(error.message, `invalid ${metatype.name}.Type: ${description}`);
      assert.deepEqual(error.details, [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'type', description }] }]);
      return true;
    });
  }

  it('refuses 0 and the UNSPECIFIED name with 400 "value must not be in list [0]"', async () => {
    for (const value of ['0', 'SECOND_FACTOR_TYPE_UNSPECIFIED']) await assertRejected(RemoveSecondFactorFromLoginPolicyRequest, value, 'value must not be in list [0]');
    await assertRejected(RemoveMultiFactorFromLoginPolicyRequest, 'MULTI_FACTOR_TYPE_UNSPECIFIED', 'value must not be in list [0]');
  });

  it('refuses unknown names and numbers with 400 "value must be one of the defined enum values"', async () => {
    for (const value of ['5', '-1', '1.0', 'OTP', 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION', 'second_factor_type_otp', '']) {
      await assertRejected(RemoveSecondFactorFromLoginPolicyRequest, value, 'value must be one of the defined enum values');
    }
    await assertRejected(RemoveMultiFactorFromLoginPolicyRequest, '2', 'value must be one of the defined enum values');
  });
});
