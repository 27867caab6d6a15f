import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChannelCredentials, Client, Metadata, ServiceError } from '@grpc/grpc-js';
import { assertError, assertInvalidArgument } from '../support/assertions.js';
import { DATABASES } from '../support/databases.js';
import { GrpcTestClient } from '../support/grpc-client.js';
import { grpcWebOutcome } from '../support/grpc-web-answer.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const SETTINGS = '/v2/settings/login';
const MGMT = '/management/v1/policies/login';
const ADMIN = '/admin/v1/policies/login';

/** What v1's LoginPolicy (REST JSON) says v2's LoginSettings must be: the same read, renamed where v2 renames. */
function expectedSettings(policy: Record<string, any>): Record<string, unknown> {
  return {
    allowUsernamePassword: policy.allowUsernamePassword,
    allowRegister: policy.allowRegister,
    allowExternalIdp: policy.allowExternalIdp,
    forceMfa: policy.forceMfa,
    passkeysType: policy.passwordlessType.replace('PASSWORDLESS_TYPE_', 'PASSKEYS_TYPE_'),
    hidePasswordReset: policy.hidePasswordReset,
    ignoreUnknownUsernames: policy.ignoreUnknownUsernames,
    defaultRedirectUri: policy.defaultRedirectUri,
    passwordCheckLifetime: policy.passwordCheckLifetime,
    externalLoginCheckLifetime: policy.externalLoginCheckLifetime,
    mfaInitSkipLifetime: policy.mfaInitSkipLifetime,
    secondFactorCheckLifetime: policy.secondFactorCheckLifetime,
    multiFactorCheckLifetime: policy.multiFactorCheckLifetime,
    secondFactors: policy.secondFactors,
    multiFactors: policy.multiFactors,
    allowDomainDiscovery: policy.allowDomainDiscovery,
    disableLoginWithEmail: policy.disableLoginWithEmail,
    disableLoginWithPhone: policy.disableLoginWithPhone,
    resourceOwnerType: policy.isDefault ? 'RESOURCE_OWNER_TYPE_INSTANCE' : 'RESOURCE_OWNER_TYPE_ORG',
    forceMfaLocalOnly: policy.forceMfaLocalOnly,
  };
}

/** The whole v2 REST answer that v1's policy implies, keys in field-number order. */
function expectedAnswer(policy: Record<string, any>): any {
  const { sequence, changeDate, resourceOwner, creationDate } = policy.details;
  return { details: { sequence, changeDate, resourceOwner, creationDate }, settings: expectedSettings(policy) };
}

/** A gRPC answer (proto-loader: enums by name, durations as {seconds, nanos}, timestamps as {seconds, nanos}) in the REST shape. */
function restShapeOf(response: Record<string, any>): Record<string, unknown> {
  const time = (value: { seconds: string; nanos: number }) => new Date(Number(value.seconds) * 1000 + Math.floor(value.nanos / 1e6)).toISOString();
  const settings = { ...response.settings };
  for (const name of ['passwordCheckLifetime', 'externalLoginCheckLifetime', 'mfaInitSkipLifetime', 'secondFactorCheckLifetime', 'multiFactorCheckLifetime']) {
    settings[name] = `${settings[name].seconds}s`;
  }
  const { sequence, changeDate, resourceOwner, creationDate } = response.details;
  return { details: { sequence, changeDate: time(changeDate), resourceOwner, creationDate: time(creationDate) }, settings };
}

/** A unary call by path with raw bytes, for a method our .proto files do not declare. */
function rawGrpcCall(address: string, path: string, token: string): Promise<ServiceError | undefined> {
  const client = new Client(address, ChannelCredentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (value: Buffer) => value, (value: Buffer) => value, Buffer.alloc(0), metadata, (error) => {
      client.close();
      resolve(error ?? undefined);
    });
  });
}

for (const database of DATABASES) {
  describe(`v2 SettingsService/GetLoginSettings on ${database}`, () => {
    let app: TestApp;
    let owner: string;
    let instanceId: string;
    let inheriting: string;
    let custom: string;
    let grpc: GrpcTestClient;

    before(async () => {
      app = await TestApp.start({ database, env: { GRPC_PORT: String(await freePort()) } });
      owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      instanceId = (await app.request('GET', ADMIN, { token: owner })).body.policy.details.resourceOwner;
      inheriting = await createOrg(app, owner, 'Inheriting');
      custom = await createOrg(app, owner, 'Custom');
      const added = await app.request('POST', MGMT, {
        token: owner,
        headers: orgHeader(custom),
        body: {
          allowUsernamePassword: true,
          forceMfa: true,
          passwordlessType: 'PASSWORDLESS_TYPE_NOT_ALLOWED',
          hidePasswordReset: true,
          defaultRedirectUri: 'https://login.example.com/done',
          passwordCheckLifetime: '3600s',
          externalLoginCheckLifetime: '7200s',
          mfaInitSkipLifetime: '0s',
          secondFactorCheckLifetime: '600s',
          multiFactorCheckLifetime: '900s',
          secondFactors: ['SECOND_FACTOR_TYPE_OTP_SMS', 'SECOND_FACTOR_TYPE_OTP'],
          multiFactors: [],
          disableLoginWithPhone: true,
          forceMfaLocalOnly: true,
        },
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      grpc = new GrpcTestClient(app.grpcAddress, 'settings');
    });
    after(async () => {
      grpc.close();
      await app.close();
    });

    const v1Org = async (orgId: string) => (await app.request('GET', MGMT, { token: owner, headers: orgHeader(orgId) })).body.policy;
    const v1Instance = async () => (await app.request('GET', ADMIN, { token: owner })).body.policy;

    it('REST: an inheriting org answers the instance default with resourceOwnerType INSTANCE, field for field the v1 GetLoginPolicy answer', async () => {
      const response = await app.request('GET', `${SETTINGS}?ctx.orgId=${inheriting}`, { token: owner });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const v1 = await v1Org(inheriting);
      assert.equal(v1.isDefault, true);
      assert.equal(JSON.stringify(response.body), JSON.stringify(expectedAnswer(v1)), 'the same values, in field-number order');
      assert.equal(response.body.details.resourceOwner, instanceId);
      assert.equal(response.body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_INSTANCE');
      assert.deepEqual(response.body.settings.secondFactors, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
      assert.equal(response.body.settings.passwordCheckLifetime, '864000s');
    });

    it('REST: an org with a custom policy answers it with resourceOwnerType ORG', async () => {
      const response = await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}`, { token: owner });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const v1 = await v1Org(custom);
      assert.equal(v1.isDefault, false);
      assert.deepEqual(response.body, expectedAnswer(v1));
      assert.equal(response.body.details.resourceOwner, custom);
      assert.equal(response.body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_ORG');
      assert.deepEqual(response.body.settings.secondFactors, ['SECOND_FACTOR_TYPE_OTP_SMS', 'SECOND_FACTOR_TYPE_OTP']);
      assert.deepEqual(response.body.settings.multiFactors, []);
      assert.equal(response.body.settings.passkeysType, 'PASSKEYS_TYPE_NOT_ALLOWED');
      assert.equal(response.body.settings.secondFactorCheckLifetime, '600s');
      assert.equal(response.body.settings.mfaInitSkipLifetime, '0s');
    });

    it('REST: ctx.instance=true answers the instance default (INSTANCE), the v1 admin GetLoginPolicy answer', async () => {
      const response = await app.request('GET', `${SETTINGS}?ctx.instance=true`, { token: owner });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.deepEqual(response.body, expectedAnswer(await v1Instance()));
      assert.equal(response.body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_INSTANCE');
    });

    it('REST: without ctx the org of x-zitadel-orgid, else the caller’s own org; ctx.org_id (the protobuf name) and ctx.instance=false read as ZITADEL reads them', async () => {
      const header = await app.request('GET', SETTINGS, { token: owner, headers: orgHeader(custom) });
      assert.deepEqual(header.body, expectedAnswer(await v1Org(custom)));
      const orgOwner = await developmentToken(app.config, { roles: [`ORG_OWNER:${custom}`], org: custom });
      const own = await app.request('GET', SETTINGS, { token: orgOwner });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assert.equal(own.body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_ORG');
      const snake = await app.request('GET', `${SETTINGS}?ctx.org_id=${inheriting}`, { token: owner });
      assert.equal(snake.body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_INSTANCE');
      const notInstance = await app.request('GET', `${SETTINGS}?ctx.instance=false`, { token: orgOwner });
      assert.equal(notInstance.body.details.resourceOwner, custom);
    });

    it('REST: the direct lane and Fastify (a query that needs decoding, a CORS-less Origin) give the same answer', async () => {
      const lane = await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}`, { token: owner });
      const decoded = await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}&unused=%20`, { token: owner });
      const plus = await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}&unused=a+b`, { token: owner, headers: { origin: 'https://elsewhere.example' } });
      assert.equal(decoded.status, 200, JSON.stringify(decoded.body));
      assert.deepEqual(decoded.body, lane.body);
      assert.deepEqual(plus.body, lane.body);
      // a percent-encoded org id is decoded by Fastify's parser
      const encoded = await app.request('GET', `${SETTINGS}?ctx.orgId=${[...custom].map((digit) => `%3${digit}`).join('')}`, { token: owner });
      assert.deepEqual(encoded.body, lane.body);
    });

    it('REST: reads see the latest change (a factor added to the inheriting org makes it ORG)', async () => {
      const org = await createOrg(app, owner, 'Changes');
      assert.equal((await app.request('GET', `${SETTINGS}?ctx.orgId=${org}`, { token: owner })).body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_INSTANCE');
      const added = await app.request('POST', `${MGMT}/second_factors`, { token: owner, headers: orgHeader(org), body: { type: 'SECOND_FACTOR_TYPE_OTP_EMAIL' } });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      const after = await app.request('GET', `${SETTINGS}?ctx.orgId=${org}`, { token: owner });
      assert.equal(after.body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_ORG');
      assert.deepEqual(after.body.settings.secondFactors, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL']);
      assert.equal(after.body.details.sequence, added.body.details.sequence);
      assert.deepEqual(after.body, expectedAnswer(await v1Org(org)));
    });

    it('REST: 401 without a token, 403 AUTH-5mWD2 without policy.read in the org or iam.policy.read for ctx.instance, 404 Org-n0tFd for an unknown or removed org', async () => {
      assertError(await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}`), 401, 16);
      assertError(await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}`, { token: 'not-a-token' }), 401, 16, 'AUTH-7fs1e');

      const otherOrgOwner = await developmentToken(app.config, { roles: [`ORG_OWNER:${inheriting}`], org: inheriting });
      assertError(await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}`, { token: otherOrgOwner }), 403, 7, 'AUTH-5mWD2');
      assertError(await app.request('GET', `${SETTINGS}?ctx.instance=true`, { token: otherOrgOwner }), 403, 7, 'AUTH-5mWD2');
      // a caller without the permission learns nothing about whether an org exists
      assertError(await app.request('GET', `${SETTINGS}?ctx.orgId=123456789`, { token: otherOrgOwner }), 403, 7, 'AUTH-5mWD2');
      assert.equal((await app.request('GET', `${SETTINGS}?ctx.orgId=${inheriting}`, { token: otherOrgOwner })).status, 200);

      assertError(await app.request('GET', `${SETTINGS}?ctx.orgId=123456789`, { token: owner }), 404, 5, 'Org-n0tFd');
      const removed = await createOrg(app, owner, 'Removed');
      assert.equal((await app.request('DELETE', '/management/v1/orgs/me', { token: owner, headers: orgHeader(removed) })).status, 200);
      assertError(await app.request('GET', `${SETTINGS}?ctx.orgId=${removed}`, { token: owner }), 404, 5, 'Org-n0tFd');
    });

    it("REST: IAM_LOGIN_CLIENT (the role of ZITADEL's login UI) reads an org's and the instance's settings", async () => {
      const login = await developmentToken(app.config, { roles: ['IAM_LOGIN_CLIENT'] });
      assert.equal((await app.request('GET', `${SETTINGS}?ctx.orgId=${custom}`, { token: login })).body.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_ORG');
      assert.equal((await app.request('GET', `${SETTINGS}?ctx.instance=true`, { token: login })).status, 200);
    });

    it('REST: a malformed ctx is 400 INVALID_ARGUMENT naming the field; other v2 settings paths are 404', async () => {
      const orgOwner = await developmentToken(app.config, { roles: [`ORG_OWNER:${custom}`], org: custom });
      assertInvalidArgument(await app.request('GET', `${SETTINGS}?ctx.instance=yes`, { token: orgOwner }), 'ctx.instance', 'invalid GetLoginSettingsRequest.Ctx.instance');
      assertInvalidArgument(await app.request('GET', `${SETTINGS}?ctx.instance=true&ctx.orgId=${custom}`, { token: owner }), 'ctx.instance');
      assertInvalidArgument(await app.request('GET', `${SETTINGS}?ctx=1&ctx.orgId=${custom}`, { token: owner }), 'ctx.orgId');
      assertError(await app.request('GET', '/v2/settings/password/complexity', { token: owner }), 404, 5);
      assertError(await app.request('GET', '/v2/settings/branding', { token: owner }), 404, 5);
    });

    it('gRPC: the inheriting org (INSTANCE), the custom org (ORG) and the instance, each equal to the REST answer', async () => {
      for (const [request, path] of [
        [{ ctx: { orgId: inheriting } }, `${SETTINGS}?ctx.orgId=${inheriting}`],
        [{ ctx: { orgId: custom } }, `${SETTINGS}?ctx.orgId=${custom}`],
        [{ ctx: { instance: true } }, `${SETTINGS}?ctx.instance=true`],
      ] as const) {
        const result = await grpc.call('GetLoginSettings', request, { token: owner });
        assert.ok(result.ok, JSON.stringify(result));
        assert.deepEqual(restShapeOf(result.response), (await app.request('GET', path, { token: owner })).body);
      }
      const viaHeader = await grpc.call('GetLoginSettings', {}, { token: owner, orgId: custom });
      assert.ok(viaHeader.ok);
      assert.equal(viaHeader.response.settings.resourceOwnerType, 'RESOURCE_OWNER_TYPE_ORG');
    });

    it('gRPC: UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND as on REST; other SettingsService methods are UNIMPLEMENTED', async () => {
      const anonymous = await grpc.call('GetLoginSettings', { ctx: { orgId: custom } });
      assert.deepEqual(anonymous.ok ? undefined : anonymous.error.code, 16);
      const otherOrgOwner = await developmentToken(app.config, { roles: [`ORG_OWNER:${inheriting}`], org: inheriting });
      for (const request of [{ ctx: { orgId: custom } }, { ctx: { instance: true } }]) {
        const denied = await grpc.call('GetLoginSettings', request, { token: otherOrgOwner });
        assert.ok(!denied.ok);
        assert.equal(denied.error.code, 7);
        assert.equal((denied.error.details[0] as { id?: string } | undefined)?.id, 'AUTH-5mWD2');
      }
      const unknown = await grpc.call('GetLoginSettings', { ctx: { orgId: '123456789' } }, { token: owner });
      assert.ok(!unknown.ok);
      assert.equal(unknown.error.code, 5);
      assert.equal((unknown.error.details[0] as { id?: string } | undefined)?.id, 'Org-n0tFd');

      for (const method of ['GetPasswordComplexitySettings', 'GetBrandingSettings', 'GetGeneralSettings']) {
        const error = await rawGrpcCall(app.grpcAddress, `/zitadel.settings.v2.SettingsService/${method}`, owner);
        assert.equal(error?.code, 12, `${method}: ${error?.message}`);
      }
    });

    it('gRPC-web: GetLoginSettings is served; another SettingsService method answers grpc-status 12', async () => {
      const call = (method: string, body: Buffer) =>
        fetch(`${app.url}/zitadel.settings.v2.SettingsService/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/grpc-web+proto', authorization: `Bearer ${owner}` },
          body,
        });
      // GetLoginSettingsRequest { ctx { instance: true } }: field 1 (ctx, length 2) holding field 2 (bool true)
      const message = Buffer.from([0x0a, 0x02, 0x10, 0x01]);
      const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
      const served = await call('GetLoginSettings', frame);
      const outcome = grpcWebOutcome(served.headers.get('content-type') ?? '', Buffer.from(await served.arrayBuffer()));
      assert.equal(typeof outcome === 'string' ? outcome : outcome.code, 0);
      const other = await call('GetBrandingSettings', Buffer.from([0, 0, 0, 0, 0]));
      const unimplemented = grpcWebOutcome(other.headers.get('content-type') ?? '', Buffer.from(await other.arrayBuffer()));
      assert.equal(typeof unimplemented === 'string' ? unimplemented : unimplemented.code, 12);
    });

    it('per-call metrics count the operation SettingsService/GetLoginSettings on every door', async () => {
      const text = await (await fetch(`${app.url}/debug/metrics`)).text();
      for (const door of ['rest', 'grpc', 'grpc-web']) {
        assert.match(text, new RegExp(`api_requests_total\\{operation="SettingsService/GetLoginSettings",door="${door}",code="OK"\\} [1-9]`), door);
      }
      assert.match(text, /api_requests_total\{operation="SettingsService\/GetLoginSettings",door="rest",code="NOT_FOUND"\} [1-9]/);
    });
  });
}
