import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientError, Metadata, Status } from 'nice-grpc';
import { createAccessTokenInterceptor, createAdminClient, createManagementClient } from '@zitadel/node/dist/api/index.js';
import { MultiFactorType, SecondFactorType } from '@zitadel/node/dist/api/generated/zitadel/policy.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

/** The error a call fails with (ZITADEL's client raises nice-grpc ClientErrors). */
async function failure(call: Promise<unknown>): Promise<ClientError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof ClientError, `expected a ClientError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

describe("ZITADEL's official Node client (@zitadel/node) against this service", () => {
  let app: TestApp;
  let admin: ReturnType<typeof createAdminClient>;
  let management: ReturnType<typeof createManagementClient>;

  before(async () => {
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()) } });
    const token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    const endpoint = `http://${app.grpcAddress}`;
    admin = createAdminClient(endpoint, createAccessTokenInterceptor(token));
    management = createManagementClient(endpoint, createAccessTokenInterceptor(token));
  });
  after(() => app.close());

  it('Admin: adds, lists and removes a second factor; a duplicate add fails with ALREADY_EXISTS', async () => {
    const added = await admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.SECOND_FACTOR_TYPE_OTP_EMAIL });
    assert.ok(Number(added.details?.sequence) > 0);
    assert.ok(added.details?.changeDate instanceof Date);
    const listed = await admin.listLoginPolicySecondFactors({});
    assert.deepEqual(listed.result, [
      SecondFactorType.SECOND_FACTOR_TYPE_OTP,
      SecondFactorType.SECOND_FACTOR_TYPE_U2F,
      SecondFactorType.SECOND_FACTOR_TYPE_OTP_EMAIL,
    ]);
    assert.equal(Number(listed.details?.processedSequence), Number(added.details?.sequence));

    const duplicate = await failure(admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.SECOND_FACTOR_TYPE_OTP_EMAIL }));
    assert.equal(duplicate.code, Status.ALREADY_EXISTS);
    assert.equal(duplicate.details, 'Multifactor already exists (INSTANCE-2B0ps)');

    await admin.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.SECOND_FACTOR_TYPE_OTP_EMAIL });
    assert.ok(!(await admin.listLoginPolicySecondFactors({})).result.includes(SecondFactorType.SECOND_FACTOR_TYPE_OTP_EMAIL));
  });

  it('Admin: removes, lists and adds the multi factor; a duplicate add fails with ALREADY_EXISTS', async () => {
    await admin.removeMultiFactorFromLoginPolicy({ type: MultiFactorType.MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION });
    assert.deepEqual((await admin.listLoginPolicyMultiFactors({})).result, []);
    await admin.addMultiFactorToLoginPolicy({ type: MultiFactorType.MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION });
    assert.deepEqual((await admin.listLoginPolicyMultiFactors({})).result, [MultiFactorType.MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION]);
    const duplicate = await failure(admin.addMultiFactorToLoginPolicy({ type: MultiFactorType.MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION }));
    assert.equal(duplicate.code, Status.ALREADY_EXISTS);
    assert.match(duplicate.details, /\(INSTANCE-3M9od\)$/);
  });

  it('Management: an org adds, lists and removes a second and a multi factor; duplicates fail with ALREADY_EXISTS', async () => {
    const org = await management.addOrg({ name: 'Official client org' });
    const options = { metadata: Metadata({ 'x-zitadel-orgid': org.id }) };

    const policy = await management.getLoginPolicy({}, options);
    assert.equal(policy.policy?.isDefault, true);

    await management.addSecondFactorToLoginPolicy({ type: SecondFactorType.SECOND_FACTOR_TYPE_OTP_SMS }, options);
    const seconds = await management.listLoginPolicySecondFactors({}, options);
    assert.equal(seconds.result.at(-1), SecondFactorType.SECOND_FACTOR_TYPE_OTP_SMS);
    const duplicate = await failure(management.addSecondFactorToLoginPolicy({ type: SecondFactorType.SECOND_FACTOR_TYPE_OTP_SMS }, options));
    assert.equal(duplicate.code, Status.ALREADY_EXISTS);
    assert.match(duplicate.details, /\(Org-2B0ps\)$/);
    await management.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.SECOND_FACTOR_TYPE_OTP_SMS }, options);
    assert.ok(!(await management.listLoginPolicySecondFactors({}, options)).result.includes(SecondFactorType.SECOND_FACTOR_TYPE_OTP_SMS));

    await management.removeMultiFactorFromLoginPolicy({ type: MultiFactorType.MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION }, options);
    assert.deepEqual((await management.listLoginPolicyMultiFactors({}, options)).result, []);
    await management.addMultiFactorToLoginPolicy({ type: MultiFactorType.MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION }, options);
    const multiDuplicate = await failure(
      management.addMultiFactorToLoginPolicy({ type: MultiFactorType.MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION }, options),
    );
    assert.equal(multiDuplicate.code, Status.ALREADY_EXISTS);
    assert.match(multiDuplicate.details, /\(Org-3M9od\)$/);

    const custom = await management.getLoginPolicy({}, options);
    assert.equal(custom.policy?.isDefault, false);
    assert.equal(custom.policy?.details?.resourceOwner, org.id);
  });

  it('a call without the org answers INVALID_ARGUMENT, a bad token UNAUTHENTICATED', async () => {
    assert.equal((await failure(management.getLoginPolicy({}))).code, Status.INVALID_ARGUMENT);
    const anonymous = createAdminClient(`http://${app.grpcAddress}`, createAccessTokenInterceptor('not-a-token'));
    assert.equal((await failure(anonymous.getLoginPolicy({}))).code, Status.UNAUTHENTICATED);
  });
});
