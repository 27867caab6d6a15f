import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RFC3339_MS, assertError, assertInvalidArgument } from '../support/assertions.js';
import { DATABASES } from '../support/databases.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const BASE = '/admin/v1/policies/login';

for (const database of DATABASES) {
  describe(`Admin API login-policy factors on ${database}`, () => {
    let app: TestApp;
    let owner: string;
    let instanceId: string;

    before(async () => {
      app = await TestApp.start({ database });
      owner = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'admin-1' });
      const policy = await app.request('GET', BASE, { token: owner });
      instanceId = policy.body.policy.details.resourceOwner;
    });
    after(() => app.close());

    it('the seeded default lists OTP and U2F as second factors, with list details as strings', async () => {
      const response = await app.request('POST', `${BASE}/second_factors/_search`, { token: owner, body: {} });
      assert.equal(response.status, 200);
      assert.deepEqual(Object.keys(response.body), ['details', 'result']);
      assert.deepEqual(response.body.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
      assert.equal(response.body.details.totalResult, '2');
      assert.match(response.body.details.processedSequence, /^\d+$/);
      assert.match(response.body.details.viewTimestamp, RFC3339_MS);
    });

    it('a _search call without any body is accepted', async () => {
      const response = await app.request('POST', `${BASE}/multi_factors/_search`, { token: owner });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.result, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);
      assert.equal(response.body.details.totalResult, '1');
    });

    it('GetLoginPolicy answers every field of the seeded default in protobuf JSON', async () => {
      const response = await app.request('GET', BASE, { token: owner });
      assert.equal(response.status, 200);
      const { details, ...policy } = response.body.policy;
      assert.match(instanceId, /^\d+$/);
      assert.equal(details.resourceOwner, instanceId);
      assert.match(details.sequence, /^\d+$/);
      assert.match(details.creationDate, RFC3339_MS);
      assert.match(details.changeDate, RFC3339_MS);
      assert.deepEqual(policy, {
        allowUsernamePassword: true,
        allowRegister: true,
        allowExternalIdp: true,
        forceMfa: false,
        passwordlessType: 'PASSWORDLESS_TYPE_ALLOWED',
        isDefault: true,
        hidePasswordReset: false,
        ignoreUnknownUsernames: false,
        defaultRedirectUri: '',
        passwordCheckLifetime: '864000s',
        externalLoginCheckLifetime: '864000s',
        mfaInitSkipLifetime: '2592000s',
        secondFactorCheckLifetime: '64800s',
        multiFactorCheckLifetime: '43200s',
        secondFactors: ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F'],
        multiFactors: ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'],
        idps: [],
        allowDomainDiscovery: true,
        disableLoginWithEmail: false,
        disableLoginWithPhone: false,
        forceMfaLocalOnly: false,
        useDefaultUriForNotificationLinks: false,
      });
    });

    it('adding a second factor answers its details, and each event raises the sequence by exactly 1', async () => {
      const before = await app.request('GET', BASE, { token: owner });
      const start = Number(before.body.policy.details.sequence);

      const byName = await app.request('POST', `${BASE}/second_factors`, { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' } });
      assert.equal(byName.status, 200);
      assert.deepEqual(Object.keys(byName.body.details), ['sequence', 'creationDate', 'changeDate', 'resourceOwner']);
      assert.equal(byName.body.details.sequence, String(start + 1));
      assert.match(byName.body.details.creationDate, RFC3339_MS);
      assert.equal(byName.body.details.changeDate, byName.body.details.creationDate);
      assert.equal(byName.body.details.resourceOwner, instanceId);

      const byNumber = await app.request('POST', `${BASE}/second_factors`, { token: owner, body: { type: 4 } });
      assert.equal(byNumber.status, 200);
      assert.equal(byNumber.body.details.sequence, String(start + 2));

      const list = await app.request('POST', `${BASE}/second_factors/_search`, { token: owner, body: {} });
      assert.deepEqual(list.body.result, [
        'SECOND_FACTOR_TYPE_OTP',
        'SECOND_FACTOR_TYPE_U2F',
        'SECOND_FACTOR_TYPE_OTP_EMAIL',
        'SECOND_FACTOR_TYPE_OTP_SMS',
      ]);
      assert.equal(list.body.details.totalResult, '4');
      assert.equal(list.body.details.processedSequence, String(start + 2));
      assert.equal(list.body.details.viewTimestamp, byNumber.body.details.changeDate);
    });

    it('adding a second factor twice answers 409 ALREADY_EXISTS with id INSTANCE-2B0ps', async () => {
      const response = await app.request('POST', `${BASE}/second_factors`, { token: owner, body: { type: 'SECOND_FACTOR_TYPE_OTP' } });
      assertError(response, 409, 6, 'INSTANCE-2B0ps');
      assert.equal(response.body.message, 'Multifactor already exists (INSTANCE-2B0ps)');
    });

    it('removing a second factor answers its details without a creation date; removing it again is 404 INSTANCE-3M9od', async () => {
      const removed = await app.request('DELETE', `${BASE}/second_factors/SECOND_FACTOR_TYPE_U2F`, { token: owner });
      assert.equal(removed.status, 200);
      assert.deepEqual(Object.keys(removed.body.details), ['sequence', 'changeDate', 'resourceOwner']);
      assert.equal(removed.body.details.resourceOwner, instanceId);

      const again = await app.request('DELETE', `${BASE}/second_factors/2`, { token: owner });
      assertError(again, 404, 5, 'INSTANCE-3M9od');
      assert.equal(again.body.message, 'Multifactor not existing (INSTANCE-3M9od)');
    });

    it('a removed and re-added factor is listed last', async () => {
      const readded = await app.request('POST', `${BASE}/second_factors`, { token: owner, body: { type: 'SECOND_FACTOR_TYPE_U2F' } });
      assert.equal(readded.status, 200);
      const list = await app.request('POST', `${BASE}/second_factors/_search`, { token: owner, body: {} });
      assert.deepEqual(list.body.result, [
        'SECOND_FACTOR_TYPE_OTP',
        'SECOND_FACTOR_TYPE_OTP_EMAIL',
        'SECOND_FACTOR_TYPE_OTP_SMS',
        'SECOND_FACTOR_TYPE_U2F',
      ]);
    });

    it('multi factors: remove, list empty, 404 INSTANCE-3M9df, add, 409 INSTANCE-3M9od', async () => {
      const removed = await app.request('DELETE', `${BASE}/multi_factors/MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION`, { token: owner });
      assert.equal(removed.status, 200);

      const empty = await app.request('POST', `${BASE}/multi_factors/_search`, { token: owner, body: {} });
      assert.deepEqual(empty.body.result, []);
      assert.equal(empty.body.details.totalResult, '0');
      assert.equal(empty.body.details.processedSequence, removed.body.details.sequence);

      assertError(await app.request('DELETE', `${BASE}/multi_factors/1`, { token: owner }), 404, 5, 'INSTANCE-3M9df');

      const added = await app.request('POST', `${BASE}/multi_factors`, { token: owner, body: { type: 1 } });
      assert.equal(added.status, 200);
      assert.equal(added.body.details.sequence, String(Number(removed.body.details.sequence) + 1));

      const twice = await app.request('POST', `${BASE}/multi_factors`, { token: owner, body: { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' } });
      assertError(twice, 409, 6, 'INSTANCE-3M9od');
    });

    for (const [label, body] of [
      ['type 0', { type: 0 }],
      ['type "FOO"', { type: 'FOO' }],
      ['type 99', { type: 99 }],
      ['a missing type', {}],
      ['type UNSPECIFIED by name', { type: 'SECOND_FACTOR_TYPE_UNSPECIFIED' }],
      ['type true', { type: true }],
    ] as const) {
      it(`adding a second factor with ${label} answers 400 INVALID_ARGUMENT and stores nothing`, async () => {
        const before = await app.request('GET', BASE, { token: owner });
        const response = await app.request('POST', `${BASE}/second_factors`, { token: owner, body });
        assertInvalidArgument(response, 'type', 'invalid AddSecondFactorToLoginPolicyRequest.Type: ');
        const after = await app.request('GET', BASE, { token: owner });
        assert.equal(after.body.policy.details.sequence, before.body.policy.details.sequence);
      });
    }

    it('type 0 reads "value must not be in list [0]"; an unknown name reads "defined enum values"', async () => {
      const zero = await app.request('POST', `${BASE}/multi_factors`, { token: owner, body: { type: 0 } });
      assert.equal(zero.body.message, 'invalid AddMultiFactorToLoginPolicyRequest.Type: value must not be in list [0]');
      const unknown = await app.request('POST', `${BASE}/multi_factors`, { token: owner, body: { type: 'FOO' } });
      assert.equal(unknown.body.message, 'invalid AddMultiFactorToLoginPolicyRequest.Type: value must be one of the defined enum values');
    });

    for (const type of ['0', 'FOO', '99', 'SECOND_FACTOR_TYPE_UNSPECIFIED']) {
      it(`removing second factor "${type}" answers 400 naming the path parameter`, async () => {
        const response = await app.request('DELETE', `${BASE}/second_factors/${type}`, { token: owner });
        assertInvalidArgument(response, 'type', 'invalid RemoveSecondFactorFromLoginPolicyRequest.Type: ');
      });
    }

    it('removing multi factor 5 answers 400', async () => {
      assertInvalidArgument(await app.request('DELETE', `${BASE}/multi_factors/5`, { token: owner }), 'type');
    });

    it('UpdateLoginPolicy replaces the settings, keeps the factors, and a repeat answers 400 FAILED_PRECONDITION INSTANCE-5M9vdd', async () => {
      const before = await app.request('GET', BASE, { token: owner });
      const settings = {
        allowUsernamePassword: true,
        allowRegister: false,
        allowExternalIdp: true,
        forceMfa: true,
        passwordlessType: 'PASSWORDLESS_TYPE_NOT_ALLOWED',
        hidePasswordReset: true,
        ignoreUnknownUsernames: true,
        defaultRedirectUri: 'https://console.example.com/after-login',
        passwordCheckLifetime: '3600s',
        externalLoginCheckLifetime: '7200s',
        mfaInitSkipLifetime: '0s',
        secondFactorCheckLifetime: '64800s',
        multiFactorCheckLifetime: '43200s',
        allowDomainDiscovery: false,
        disableLoginWithEmail: true,
        disableLoginWithPhone: true,
        forceMfaLocalOnly: true,
        useDefaultUriForNotificationLinks: true,
      };
      const updated = await app.request('PUT', BASE, { token: owner, body: settings });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.deepEqual(Object.keys(updated.body.details), ['sequence', 'changeDate', 'resourceOwner']);
      assert.equal(updated.body.details.sequence, String(Number(before.body.policy.details.sequence) + 1));

      const read = await app.request('GET', BASE, { token: owner });
      const { details, secondFactors, multiFactors, idps, isDefault, ...stored } = read.body.policy;
      assert.deepEqual(stored, settings);
      assert.deepEqual(secondFactors, before.body.policy.secondFactors);
      assert.deepEqual(multiFactors, before.body.policy.multiFactors);
      assert.equal(details.changeDate, updated.body.details.changeDate);
      assert.equal(details.creationDate, before.body.policy.details.creationDate);

      const repeat = await app.request('PUT', BASE, { token: owner, body: settings });
      assertError(repeat, 400, 9, 'INSTANCE-5M9vdd');
      assert.equal(repeat.body.message, 'Login Policy has not been changed (INSTANCE-5M9vdd)');
    });

    it('UpdateLoginPolicy with passwordlessType as a number is the same as by name', async () => {
      const current = (await app.request('GET', BASE, { token: owner })).body.policy;
      const { details, secondFactors, multiFactors, idps, isDefault, ...settings } = current;
      const response = await app.request('PUT', BASE, { token: owner, body: { ...settings, passwordlessType: 0 } });
      assertError(response, 400, 9, 'INSTANCE-5M9vdd');
    });

    for (const [field, value] of [
      ['defaultRedirectUri', 'not a uri'],
      ['defaultRedirectUri', '/relative/path'],
      ['defaultRedirectUri', 'https://console.example.com/\ud800'],
      ['passwordCheckLifetime', '10h'],
      ['passwordCheckLifetime', 3600],
      ['passwordCheckLifetime', '1.5s'],
      ['passwordlessType', 'PASSWORDLESS_TYPE_SOMETIMES'],
      ['forceMfa', 'yes'],
    ] as const) {
      it(`UpdateLoginPolicy with ${field}=${JSON.stringify(value)} answers 400 and changes nothing`, async () => {
        const before = await app.request('GET', BASE, { token: owner });
        const response = await app.request('PUT', BASE, { token: owner, body: { allowUsernamePassword: true, [field]: value } });
        assertInvalidArgument(response, field, `invalid UpdateLoginPolicyRequest.${field[0].toUpperCase()}${field.slice(1)}: `);
        const after = await app.request('GET', BASE, { token: owner });
        assert.deepEqual(after.body.policy, before.body.policy);
      });
    }

    it('a body that is not a JSON object answers 400', async () => {
      const response = await app.request('POST', `${BASE}/second_factors`, { token: owner, rawBody: '[1]', headers: { 'content-type': 'application/json' } });
      assertInvalidArgument(response, 'body');
    });
  });
}
