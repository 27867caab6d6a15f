import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConnectError, Interceptor, Transport } from '@connectrpc/connect' with { 'resolution-mode': 'import' };
import type { AdminService } from '@zitadel/proto/zitadel/admin_pb.js' with { 'resolution-mode': 'import' };
import type { ManagementService } from '@zitadel/proto/zitadel/management_pb.js' with { 'resolution-mode': 'import' };
import type { SecondFactorType as SecondFactorTypeEnum } from '@zitadel/proto/zitadel/policy_pb.js' with { 'resolution-mode': 'import' };
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

// ES modules only (their CommonJS builds are not loadable), and loaded together so that one copy
// of @bufbuild/protobuf serves the client and the definitions
const modules = Promise.all([
  import('@connectrpc/connect'),
  import('@connectrpc/connect-web'),
  import('@zitadel/proto/zitadel/admin_pb.js'),
  import('@zitadel/proto/zitadel/management_pb.js'),
  import('@zitadel/proto/zitadel/message_pb.js'),
  import('@zitadel/proto/zitadel/policy_pb.js'),
]);
let connect: Awaited<typeof modules>[0];
let createGrpcWebTransport: Awaited<typeof modules>[1]['createGrpcWebTransport'];
let AdminServiceDefinition: typeof AdminService;
let ManagementServiceDefinition: typeof ManagementService;
let ErrorDetailSchema: Awaited<typeof modules>[4]['ErrorDetailSchema'];
let SecondFactorType: typeof SecondFactorTypeEnum;

/** The ConnectError a call fails with. */
async function failure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof connect.ConnectError, `expected a ConnectError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

/** A duplicate add: ALREADY_EXISTS, with ZITADEL's ErrorDetail in grpc-status-details-bin. */
function assertAlreadyExists(error: ConnectError, id: string): void {
  assert.equal(error.code, connect.Code.AlreadyExists);
  assert.equal(error.rawMessage, `Multifactor already exists (${id})`);
  const details = error.findDetails(ErrorDetailSchema);
  assert.equal(details.length, 1);
  assert.equal(details[0].id, id);
  assert.equal(details[0].message, 'Multifactor already exists');
}

const restName = (type: SecondFactorTypeEnum) => `SECOND_FACTOR_TYPE_${SecondFactorType[type]}`;

function bearer(token: string): Interceptor {
  return (next) => (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
}

describe("gRPC-web door with Connect's browser transport and ZITADEL's published definitions", () => {
  let app: TestApp;
  let token: string;
  let admin: ReturnType<typeof adminClient>;
  let management: ReturnType<typeof managementClient>;
  const transport = (interceptors: Interceptor[] = []): Transport => createGrpcWebTransport({ baseUrl: app.url, interceptors });
  const adminClient = (via: Transport) => connect.createClient(AdminServiceDefinition, via);
  const managementClient = (via: Transport) => connect.createClient(ManagementServiceDefinition, via);

  before(async () => {
    let web, adminPb, managementPb, messagePb, policyPb;
    [connect, web, adminPb, managementPb, messagePb, policyPb] = await modules;
    createGrpcWebTransport = web.createGrpcWebTransport;
    AdminServiceDefinition = adminPb.AdminService;
    ManagementServiceDefinition = managementPb.ManagementService;
    ErrorDetailSchema = messagePb.ErrorDetailSchema;
    SecondFactorType = policyPb.SecondFactorType;

    app = await TestApp.start();
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    admin = adminClient(transport([bearer(token)]));
    management = managementClient(transport([bearer(token)]));
  });
  after(() => app.close());

  it('Admin: adds, lists and removes a second factor; a duplicate add is code 6 with the ErrorDetail id', async () => {
    const added = await admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_EMAIL });
    assert.ok(added.details && added.details.sequence > 0n);
    assert.ok(added.details.changeDate && added.details.changeDate.seconds > 0n);

    const listed = await admin.listLoginPolicySecondFactors({});
    assert.deepEqual(listed.result, [SecondFactorType.OTP, SecondFactorType.U2F, SecondFactorType.OTP_EMAIL]);
    assert.equal(listed.details?.processedSequence, added.details.sequence);
    // the same answer as the REST door
    const rest = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token });
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    assert.deepEqual(rest.body.result, listed.result.map(restName));
    assert.equal(rest.body.details.processedSequence, String(listed.details?.processedSequence));

    assertAlreadyExists(await failure(admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_EMAIL })), 'INSTANCE-2B0ps');

    const removed = await admin.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP_EMAIL });
    assert.ok(removed.details && removed.details.sequence > added.details.sequence);
    assert.deepEqual((await admin.listLoginPolicySecondFactors({})).result, [SecondFactorType.OTP, SecondFactorType.U2F]);
  });

  it('Management: an org (x-zitadel-orgid header) adds, lists and removes a second factor; a duplicate add is code 6', async () => {
    const org = await management.addOrg({ name: 'gRPC-web org' });
    assert.match(org.id, /^\d+$/);
    const headers = { 'x-zitadel-orgid': org.id };

    await management.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS }, { headers });
    const listed = await management.listLoginPolicySecondFactors({}, { headers });
    assert.deepEqual(listed.result, [SecondFactorType.OTP, SecondFactorType.U2F, SecondFactorType.OTP_SMS]);
    const policy = await management.getLoginPolicy({}, { headers });
    assert.equal(policy.policy?.isDefault, false, 'the first change gives the org its own policy');
    // the instance default is untouched
    assert.deepEqual((await admin.listLoginPolicySecondFactors({})).result, [SecondFactorType.OTP, SecondFactorType.U2F]);

    assertAlreadyExists(await failure(management.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS }, { headers })), 'Org-2B0ps');

    await management.removeSecondFactorFromLoginPolicy({ type: SecondFactorType.OTP_SMS }, { headers });
    assert.deepEqual((await management.listLoginPolicySecondFactors({}, { headers })).result, [SecondFactorType.OTP, SecondFactorType.U2F]);
    const rest = await app.request('POST', '/management/v1/policies/login/second_factors/_search', { token, headers });
    assert.deepEqual(rest.body.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
  });

  it('write conditions as headers: x-expected-sequence (stale → FAILED_PRECONDITION, nothing stored) and x-validate-only (the answer, nothing stored)', async () => {
    const current = (await admin.getLoginPolicy({})).policy?.details?.sequence as bigint;
    const stale = await failure(admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_EMAIL }, { headers: { 'x-expected-sequence': String(current - 1n) } }));
    assert.equal(stale.code, connect.Code.FailedPrecondition);
    assert.equal(stale.findDetails(ErrorDetailSchema)[0]?.id, 'LPF-s3qMoved');
    const dry = await admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_EMAIL }, { headers: { 'x-validate-only': 'true', 'x-expected-sequence': String(current) } });
    assert.equal(dry.details?.sequence, current + 1n);
    assert.equal((await admin.getLoginPolicy({})).policy?.details?.sequence, current, 'nothing stored');
  });

  it('answers auth, permission and validation failures with the codes of the other doors', async () => {
    const anonymous = adminClient(transport());
    const unauthenticated = await failure(anonymous.listLoginPolicySecondFactors({}));
    assert.equal(unauthenticated.code, connect.Code.Unauthenticated);
    assert.equal(unauthenticated.rawMessage, 'auth header missing');

    const viewerToken = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
    const viewer = adminClient(transport([bearer(viewerToken)]));
    assert.ok((await viewer.listLoginPolicySecondFactors({})).result.length > 0, 'a viewer reads');
    const denied = await failure(viewer.addSecondFactorToLoginPolicy({ type: SecondFactorType.OTP_SMS }));
    assert.equal(denied.code, connect.Code.PermissionDenied);
    assert.equal(denied.findDetails(ErrorDetailSchema)[0]?.id, 'AUTH-5mWD2');

    const invalid = await failure(admin.addSecondFactorToLoginPolicy({ type: SecondFactorType.UNSPECIFIED }));
    assert.equal(invalid.code, connect.Code.InvalidArgument);
    assert.equal(invalid.rawMessage, 'invalid AddSecondFactorToLoginPolicyRequest.Type: value must not be in list [0]');

    const noOrg = await failure(management.listLoginPolicySecondFactors({}, { headers: { 'x-zitadel-orgid': '999999' } }));
    assert.equal(noOrg.code, connect.Code.NotFound);
  });
});
