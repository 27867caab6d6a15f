import assert from 'node:assert/strict';
import { ChannelCredentials, Client, Metadata, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { after, before, describe, it } from 'node:test';
import { RFC3339_MS, assertErrorDetail } from '../support/assertions.js';
import { GrpcResult, GrpcTestClient } from '../support/grpc-client.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

/** Asserts a gRPC failure: status code and, when given, the zitadel.v1.ErrorDetail id in grpc-status-details-bin. */
function assertGrpcError(result: GrpcResult, code: number, id?: string): void {
  assert.equal(result.ok, false, `expected code ${code}, got success ${JSON.stringify(result)}`);
  if (result.ok) return;
  assert.equal(result.error.code, code, JSON.stringify(result.error));
  if (id) assertErrorDetail(result.error, id);
}

function ok<T = any>(result: GrpcResult<T>): T {
  assert.equal(result.ok, true, JSON.stringify(result));
  return (result as { ok: true; response: T }).response;
}

/** Sends `bytes` as the request message of `path` as they are (no client would send them) and reads the status. */
function rawUnaryCall(address: string, path: string, bytes: Buffer, token?: string): Promise<{ code: number; details: string }> {
  const client = new Client(address, ChannelCredentials.createInsecure());
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (value: Buffer) => value, (value: Buffer) => value, bytes, metadata, (error) => {
      client.close();
      resolve({ code: error?.code ?? 0, details: error?.details ?? '' });
    });
  });
}

describe('gRPC door', () => {
  let app: TestApp;
  let admin: GrpcTestClient;
  let mgmt: GrpcTestClient;
  let health: GrpcTestClient;
  let token: string;
  let instanceId: string;

  before(async () => {
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()) } });
    admin = new GrpcTestClient(app.grpcAddress, 'admin');
    mgmt = new GrpcTestClient(app.grpcAddress, 'management');
    health = new GrpcTestClient(app.grpcAddress, 'health');
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'], sub: 'grpc-admin' });
    instanceId = ok(await admin.call('GetLoginPolicy', {}, { token })).policy.details.resourceOwner;
  });
  after(async () => {
    admin.close();
    mgmt.close();
    health.close();
    await app.close();
  });

  describe('AdminService', () => {
    it('GetLoginPolicy answers the default with durations, enums and details', async () => {
      const { policy } = ok(await admin.call('GetLoginPolicy', {}, { token }));
      assert.equal(policy.isDefault, true);
      assert.equal(policy.passwordlessType, 'PASSWORDLESS_TYPE_ALLOWED');
      assert.deepEqual(policy.secondFactorCheckLifetime, { seconds: '64800', nanos: 0 });
      assert.deepEqual(policy.passwordCheckLifetime, { seconds: '864000', nanos: 0 });
      assert.deepEqual(policy.secondFactors, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
      assert.deepEqual(policy.multiFactors, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);
      assert.equal(policy.details.resourceOwner, instanceId);
      assert.match(policy.details.sequence, /^\d+$/);
      assert.ok(Number(policy.details.changeDate.seconds) > 1_700_000_000);
    });

    it('second factors: list, add (details), add again → 6 INSTANCE-2B0ps, remove, remove again → 5 INSTANCE-3M9od', async () => {
      const listed = ok(await admin.call('ListLoginPolicySecondFactors', {}, { token }));
      assert.deepEqual(listed.result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
      assert.equal(listed.details.totalResult, '2');
      const added = ok(await admin.call('AddSecondFactorToLoginPolicy', { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }, { token }));
      assert.equal(Number(added.details.sequence), Number(listed.details.processedSequence) + 1);
      assert.equal(added.details.resourceOwner, instanceId);
      assert.deepEqual(added.details.creationDate, added.details.changeDate);
      assertGrpcError(await admin.call('AddSecondFactorToLoginPolicy', { type: 3 }, { token }), 6, 'INSTANCE-2B0ps');
      const removed = ok(await admin.call('RemoveSecondFactorFromLoginPolicy', { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' }, { token }));
      assert.equal(removed.details.creationDate, null);
      assertGrpcError(await admin.call('RemoveSecondFactorFromLoginPolicy', { type: 3 }, { token }), 5, 'INSTANCE-3M9od');
    });

    it('multi factors: remove, list empty, add, add again → 6 INSTANCE-3M9od, remove missing → 5 INSTANCE-3M9df', async () => {
      ok(await admin.call('RemoveMultiFactorFromLoginPolicy', { type: 1 }, { token }));
      assert.deepEqual(ok(await admin.call('ListLoginPolicyMultiFactors', {}, { token })).result, []);
      assertGrpcError(await admin.call('RemoveMultiFactorFromLoginPolicy', { type: 1 }, { token }), 5, 'INSTANCE-3M9df');
      ok(await admin.call('AddMultiFactorToLoginPolicy', { type: 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION' }, { token }));
      assertGrpcError(await admin.call('AddMultiFactorToLoginPolicy', { type: 1 }, { token }), 6, 'INSTANCE-3M9od');
    });

    for (const [label, type] of [['0', 0], ['an undefined number (99)', 99]] as const) {
      it(`type ${label} answers 3 INVALID_ARGUMENT with a google.rpc.BadRequest naming the field`, async () => {
        for (const method of ['AddSecondFactorToLoginPolicy', 'RemoveSecondFactorFromLoginPolicy', 'AddMultiFactorToLoginPolicy']) {
          const result = await admin.call(method, { type }, { token });
          assertGrpcError(result, 3);
          if (!result.ok) {
            assert.equal(result.error.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
            assert.deepEqual((result.error.details[0] as any).fieldViolations.map((v: { field: string }) => v.field), ['type']);
            assert.match(result.error.message, /^invalid \w+Request\.Type: /);
          }
        }
      });
    }

    it('UpdateLoginPolicy takes durations and enums, answers details; no change → 9 INSTANCE-5M9vdd; fractional duration → 3', async () => {
      const settings = {
        allowUsernamePassword: true,
        allowRegister: false,
        passwordlessType: 'PASSWORDLESS_TYPE_ALLOWED',
        passwordCheckLifetime: { seconds: 3600 },
        secondFactorCheckLifetime: { seconds: 60 },
      };
      const updated = ok(await admin.call('UpdateLoginPolicy', settings, { token }));
      assert.equal(updated.details.resourceOwner, instanceId);
      const { policy } = ok(await admin.call('GetLoginPolicy', {}, { token }));
      assert.deepEqual(policy.passwordCheckLifetime, { seconds: '3600', nanos: 0 });
      assert.deepEqual(policy.multiFactorCheckLifetime, { seconds: '0', nanos: 0 });
      assert.equal(policy.allowRegister, false);
      assertGrpcError(await admin.call('UpdateLoginPolicy', settings, { token }), 9, 'INSTANCE-5M9vdd');
      assertGrpcError(await admin.call('UpdateLoginPolicy', { ...settings, passwordCheckLifetime: { seconds: 1, nanos: 5 } }, { token }), 3);
    });

    it('ListOrgs, GetOrgByID and ListEvents', async () => {
      const created = ok(await mgmt.call('AddOrg', { name: 'gRPC Org' }, { token }));
      const orgs = ok(await admin.call('ListOrgs', { query: { limit: 10, asc: true } }, { token }));
      assert.ok(orgs.result.some((org: { id: string }) => org.id === created.id));
      const byId = ok(await admin.call('GetOrgByID', { id: created.id }, { token }));
      assert.deepEqual({ id: byId.org.id, name: byId.org.name, state: byId.org.state }, { id: created.id, name: 'gRPC Org', state: 'ORG_STATE_ACTIVE' });
      assertGrpcError(await admin.call('GetOrgByID', { id: '123' }, { token }), 5, 'Org-n0tFd');
      const { events } = ok(await admin.call('ListEvents', { aggregateId: created.id, asc: true }, { token }));
      assert.equal(events.length, 1);
      assert.equal(events[0].type, 'org.added');
      assert.equal(events[0].sequence, '1');
      assert.equal(events[0].creator, 'grpc-admin');
      assert.equal(events[0].payload.fields.name.stringValue, 'gRPC Org');
      assert.ok(Number(events[0].createdAt.seconds) > 1_700_000_000);
    });
  });

  describe('ManagementService', () => {
    let org: string;
    before(async () => {
      org = ok(await mgmt.call('AddOrg', { name: 'Managed over gRPC' }, { token })).id;
    });

    it('GetMyOrg by x-zitadel-orgid metadata, and by the token\'s own org', async () => {
      assert.equal(ok(await mgmt.call('GetMyOrg', {}, { token, orgId: org })).org.name, 'Managed over gRPC');
      const own = await developmentToken(app.config, { roles: [`ORG_OWNER:${org}`], org });
      assert.equal(ok(await mgmt.call('GetMyOrg', {}, { token: own })).org.id, org);
    });

    it('login policy: inherited default, copy-on-write factor add, custom policy, update, reset', async () => {
      const inherited = ok(await mgmt.call('GetLoginPolicy', {}, { token, orgId: org }));
      assert.equal(inherited.isDefault, true);
      assert.equal(ok(await mgmt.call('GetDefaultLoginPolicy', {}, { token, orgId: org })).policy.isDefault, true);
      const added = ok(await mgmt.call('AddSecondFactorToLoginPolicy', { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, { token, orgId: org }));
      assert.equal(added.details.resourceOwner, org);
      assertGrpcError(await mgmt.call('AddSecondFactorToLoginPolicy', { type: 4 }, { token, orgId: org }), 6, 'Org-2B0ps');
      const listed = ok(await mgmt.call('ListLoginPolicySecondFactors', {}, { token, orgId: org }));
      assert.deepEqual(listed.result.at(-1), 'SECOND_FACTOR_TYPE_OTP_SMS');
      ok(await mgmt.call('RemoveSecondFactorFromLoginPolicy', { type: 4 }, { token, orgId: org }));
      assertGrpcError(await mgmt.call('RemoveSecondFactorFromLoginPolicy', { type: 4 }, { token, orgId: org }), 5, 'Org-3M9od');
      ok(await mgmt.call('RemoveMultiFactorFromLoginPolicy', { type: 1 }, { token, orgId: org }));
      assertGrpcError(await mgmt.call('RemoveMultiFactorFromLoginPolicy', { type: 1 }, { token, orgId: org }), 5, 'Org-3M9df');
      ok(await mgmt.call('AddMultiFactorToLoginPolicy', { type: 1 }, { token, orgId: org }));
      assertGrpcError(await mgmt.call('AddMultiFactorToLoginPolicy', { type: 1 }, { token, orgId: org }), 6, 'Org-3M9od');
      assert.deepEqual(ok(await mgmt.call('ListLoginPolicyMultiFactors', {}, { token, orgId: org })).result, ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION']);
      assertGrpcError(await mgmt.call('AddCustomLoginPolicy', {}, { token, orgId: org }), 6, 'Org-Dgfb2');
      ok(await mgmt.call('UpdateCustomLoginPolicy', { forceMfa: true }, { token, orgId: org }));
      assertGrpcError(await mgmt.call('UpdateCustomLoginPolicy', { forceMfa: true }, { token, orgId: org }), 9, 'Org-5M9vdd');
      ok(await mgmt.call('ResetLoginPolicyToDefault', {}, { token, orgId: org }));
      assertGrpcError(await mgmt.call('ResetLoginPolicyToDefault', {}, { token, orgId: org }), 5, 'Org-GHB37');
      assertGrpcError(await mgmt.call('UpdateCustomLoginPolicy', { forceMfa: true }, { token, orgId: org }), 5, 'Org-M0sif');
      const custom = ok(await mgmt.call('AddCustomLoginPolicy', { secondFactors: ['SECOND_FACTOR_TYPE_U2F', 2], multiFactors: [] }, { token, orgId: org }));
      assert.equal(custom.details.resourceOwner, org);
      assert.deepEqual(ok(await mgmt.call('GetLoginPolicy', {}, { token, orgId: org })).policy.secondFactors, ['SECOND_FACTOR_TYPE_U2F']);
      assertGrpcError(await mgmt.call('AddCustomLoginPolicy', { secondFactors: [0] }, { token, orgId: org }), 3);
    });

    it('RemoveOrg, then the org is 5 Org-n0tFd', async () => {
      const doomed = ok(await mgmt.call('AddOrg', { name: 'Doomed' }, { token })).id;
      ok(await mgmt.call('RemoveOrg', {}, { token, orgId: doomed }));
      assertGrpcError(await mgmt.call('GetMyOrg', {}, { token, orgId: doomed }), 5, 'Org-n0tFd');
    });

    it('AddOrg with an empty name answers 3', async () => {
      assertGrpcError(await mgmt.call('AddOrg', { name: '' }, { token }), 3);
    });

    it('AddOrg with a control character in the name answers 3 with a google.rpc.BadRequest naming the field', async () => {
      for (const name of ['AC\u0000ME', 'AC\u007fME']) {
        const result = await mgmt.call('AddOrg', { name }, { token });
        assertGrpcError(result, 3);
        if (!result.ok) {
          assert.equal(result.error.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
          assert.deepEqual((result.error.details[0] as any).fieldViolations.map((v: { field: string }) => v.field), ['name']);
          assert.match(result.error.message, /^invalid AddOrgRequest\.Name: value must not contain control characters/);
        }
      }
    });
  });

  describe('authentication and permissions', () => {
    it('no token → 16 UNAUTHENTICATED, a bad token → 16 with AUTH-7fs1e', async () => {
      const missing = await admin.call('ListLoginPolicySecondFactors', {});
      assertGrpcError(missing, 16);
      assert.equal(!missing.ok && missing.error.message, 'auth header missing');
      assertGrpcError(await admin.call('ListLoginPolicySecondFactors', {}, { token: 'not.a.jwt' }), 16, 'AUTH-7fs1e');
      assertGrpcError(await mgmt.call('GetMyOrg', {}, { token: 'not.a.jwt' }), 16, 'AUTH-7fs1e');
    });

    it('a caller without the permission → 7 PERMISSION_DENIED with AUTH-5mWD2', async () => {
      const viewer = await developmentToken(app.config, { roles: ['IAM_OWNER_VIEWER'] });
      assert.equal(ok(await admin.call('ListLoginPolicySecondFactors', {}, { token: viewer })).details.totalResult, '2');
      assertGrpcError(await admin.call('AddSecondFactorToLoginPolicy', { type: 0 }, { token: viewer }), 7, 'AUTH-5mWD2');
      const orgOwner = await developmentToken(app.config, { roles: ['ORG_OWNER:42'], org: '42' });
      assertGrpcError(await admin.call('GetLoginPolicy', {}, { token: orgOwner }), 7, 'AUTH-5mWD2');
      assertGrpcError(await mgmt.call('GetLoginPolicy', {}, { token: orgOwner, orgId: '43' }), 7, 'AUTH-5mWD2');
      assertGrpcError(await mgmt.call('GetLoginPolicy', {}, { token }), 3);
    });

    it('a message that cannot be decoded → 16 without a valid token, 3 (not 13) with one: the caller first (SPEC §5)', async () => {
      const noProtobuf = Buffer.from([0x0a, 0x05, 0x01]);
      const deep = Buffer.concat([Buffer.alloc(10_000, (15 << 3) | 3), Buffer.alloc(10_000, (15 << 3) | 4)]);
      const add = '/zitadel.admin.v1.AdminService/AddSecondFactorToLoginPolicy';
      for (const bytes of [noProtobuf, deep]) {
        const missing = await rawUnaryCall(app.grpcAddress, add, bytes);
        assert.equal(missing.code, 16, JSON.stringify(missing));
        assert.equal(missing.details, 'auth header missing');
        assert.equal((await rawUnaryCall(app.grpcAddress, add, bytes, 'not.a.jwt')).code, 16);
        const withToken = await rawUnaryCall(app.grpcAddress, add, bytes, token);
        assert.equal(withToken.code, 3, JSON.stringify(withToken));
        assert.match(withToken.details, /^malformed gRPC request: the message is not a valid AddSecondFactorToLoginPolicyRequest: /);
      }
      // a public method's undecodable message is the caller's mistake too, not an internal error
      assert.equal((await rawUnaryCall(app.grpcAddress, '/grpc.health.v1.Health/Check', deep)).code, 3);
    });
  });

  describe('REST and gRPC agree', () => {
    it('a change made over one is seen over the other with the same sequence', async () => {
      const restAdd = await app.request('POST', '/admin/v1/policies/login/second_factors', { token, body: { type: 'SECOND_FACTOR_TYPE_OTP_SMS' } });
      assert.equal(restAdd.status, 200);
      const overGrpc = ok(await admin.call('ListLoginPolicySecondFactors', {}, { token }));
      assert.equal(overGrpc.details.processedSequence, restAdd.body.details.sequence);
      assert.equal(overGrpc.result.at(-1), 'SECOND_FACTOR_TYPE_OTP_SMS');

      const grpcRemove = ok(await admin.call('RemoveSecondFactorFromLoginPolicy', { type: 'SECOND_FACTOR_TYPE_OTP_SMS' }, { token }));
      const overRest = await app.request('POST', '/admin/v1/policies/login/second_factors/_search', { token });
      assert.equal(overRest.body.details.processedSequence, grpcRemove.details.sequence);
      assert.match(overRest.body.details.viewTimestamp, RFC3339_MS);
      assert.equal(Date.parse(overRest.body.details.viewTimestamp), Number(grpcRemove.details.changeDate.seconds) * 1000 + grpcRemove.details.changeDate.nanos / 1e6);
      assert.ok(!overRest.body.result.includes('SECOND_FACTOR_TYPE_OTP_SMS'));
    });
  });

  describe('standard services', () => {
    it('grpc.health.v1.Health/Check answers SERVING', async () => {
      assert.deepEqual(ok(await health.call('Check', { service: '' })), { status: 'SERVING' });
    });

    /** One request on a reflection stream of `version` (v1 or v1alpha), and its answer. */
    async function reflect(version: 'v1' | 'v1alpha', request: object): Promise<any> {
      const reflectionProto = require.resolve(`@grpc/reflection/build/proto/grpc/reflection/${version}/reflection.proto`);
      const definition = loadSync(reflectionProto, { keepCase: false, defaults: true });
      const Reflection = (loadPackageDefinition(definition) as any).grpc.reflection[version].ServerReflection;
      const client = new Reflection(app.grpcAddress, ChannelCredentials.createInsecure());
      try {
        return await new Promise<any>((resolve, reject) => {
          const stream = client.ServerReflectionInfo();
          stream.on('data', (message: any) => {
            resolve(message);
            stream.end();
          });
          stream.on('error', reject);
          stream.write(request);
        });
      } finally {
        client.close();
      }
    }

    it('server reflection (v1 and v1alpha) lists the Admin, Management and Health services and serves their files', async () => {
      for (const version of ['v1', 'v1alpha'] as const) {
        const services = (await reflect(version, { listServices: '*' })).listServicesResponse.service.map((s: { name: string }) => s.name);
        for (const name of ['zitadel.admin.v1.AdminService', 'zitadel.management.v1.ManagementService', 'grpc.health.v1.Health']) {
          assert.ok(services.includes(name), `${version}: ${name} in ${services.join(', ')}`);
        }
      }
      const file = (await reflect('v1', { fileContainingSymbol: 'zitadel.admin.v1.AdminService' })).fileDescriptorResponse;
      assert.ok(file.fileDescriptorProto.length > 0, 'the file of AdminService and its dependencies');
    });
  });
});
