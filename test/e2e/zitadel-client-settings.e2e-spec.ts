import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Transport } from '@connectrpc/connect' with { 'resolution-mode': 'import' };
import type { GetLoginSettingsResponse } from '@zitadel/proto/zitadel/settings/v2/settings_service_pb.js' with { 'resolution-mode': 'import' };
import { DATABASES } from '../support/databases.js';
import { createOrg, orgHeader } from '../support/orgs.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

// ES modules only, loaded together so that one copy of @bufbuild/protobuf serves the client and
// the definitions (as in grpc-web-client.e2e-spec.ts)
const modules = Promise.all([
  import('@zitadel/client/v2'),
  import('@zitadel/client/node'),
  import('@zitadel/client/web'),
  import('@zitadel/proto/zitadel/settings/v2/login_settings_pb.js'),
  import('@zitadel/proto/zitadel/settings/v2/settings_pb.js'),
  import('@zitadel/proto/zitadel/policy_pb.js'),
]);
type Modules = Awaited<typeof modules>;

const MGMT = '/management/v1/policies/login';
const ADMIN = '/admin/v1/policies/login';

/** A v1 enum name as its number: `SECOND_FACTOR_TYPE_OTP` → `SecondFactorType.OTP` of the generated enum. */
function numberOf(generated: Record<string, string | number>, prefix: string, name: string): number {
  const value = generated[name.slice(prefix.length)];
  assert.equal(typeof value, 'number', `${name} is a value of the generated enum`);
  return value as number;
}

/** RFC 3339 of a generated Timestamp. */
function time(value: { seconds: bigint; nanos: number } | undefined): string | undefined {
  return value === undefined ? undefined : new Date(Number(value.seconds) * 1000 + Math.floor(value.nanos / 1e6)).toISOString();
}

/**
 * Every value v2's answer (as the client decoded it) and v1's GetLoginPolicy (REST JSON) both
 * have, compared one by one.
 */
function assertSameAsV1(answer: GetLoginSettingsResponse, policy: Record<string, any>, m: Modules): void {
  const [, , , loginPb, settingsPb, policyPb] = m;
  const settings = answer.settings;
  assert.ok(settings, 'settings');
  for (const name of [
    'allowUsernamePassword',
    'allowRegister',
    'allowExternalIdp',
    'forceMfa',
    'hidePasswordReset',
    'ignoreUnknownUsernames',
    'defaultRedirectUri',
    'allowDomainDiscovery',
    'disableLoginWithEmail',
    'disableLoginWithPhone',
    'forceMfaLocalOnly',
  ] as const) {
    assert.equal(settings[name], policy[name], name);
  }
  for (const name of ['passwordCheckLifetime', 'externalLoginCheckLifetime', 'mfaInitSkipLifetime', 'secondFactorCheckLifetime', 'multiFactorCheckLifetime'] as const) {
    assert.equal(`${settings[name]?.seconds}s`, policy[name], name);
    assert.equal(settings[name]?.nanos, 0, name);
  }
  assert.equal(settings.passkeysType, numberOf(policyPb.PasswordlessType as never, 'PASSWORDLESS_TYPE_', policy.passwordlessType), 'passkeysType = passwordlessType');
  assert.deepEqual(settings.secondFactors, policy.secondFactors.map((name: string) => numberOf(policyPb.SecondFactorType as never, 'SECOND_FACTOR_TYPE_', name)), 'secondFactors');
  assert.deepEqual(settings.multiFactors, policy.multiFactors.map((name: string) => numberOf(policyPb.MultiFactorType as never, 'MULTI_FACTOR_TYPE_', name)), 'multiFactors');
  // the v2 enums have the v1 numbers under their own names
  assert.deepEqual(settings.secondFactors.map((value) => loginPb.SecondFactorType[value]), policy.secondFactors.map((name: string) => name.slice('SECOND_FACTOR_TYPE_'.length)));
  assert.equal(settings.resourceOwnerType, policy.isDefault ? settingsPb.ResourceOwnerType.INSTANCE : settingsPb.ResourceOwnerType.ORG, 'resourceOwnerType');
  assert.equal(String(answer.details?.sequence), policy.details.sequence, 'details.sequence');
  assert.equal(answer.details?.resourceOwner, policy.details.resourceOwner, 'details.resourceOwner');
  assert.equal(time(answer.details?.changeDate), policy.details.changeDate, 'details.changeDate');
  assert.equal(time(answer.details?.creationDate), policy.details.creationDate, 'details.creationDate');
}

for (const database of DATABASES) {
  describe(`@zitadel/client's v2 SettingsService client reads login settings on ${database}`, () => {
    let m: Modules;
    let app: TestApp;
    let token: string;
    let inheriting: string;
    let custom: string;

    before(async () => {
      m = await modules;
      app = await TestApp.start({ database, env: { GRPC_PORT: String(await freePort()) } });
      // the login UI's service account
      token = await developmentToken(app.config, { roles: ['IAM_LOGIN_CLIENT'] });
      const owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
      inheriting = await createOrg(app, owner, 'Inheriting');
      custom = await createOrg(app, owner, 'Custom');
      const added = await app.request('POST', MGMT, {
        token: owner,
        headers: orgHeader(custom),
        body: {
          allowUsernamePassword: true,
          allowRegister: false,
          forceMfa: true,
          passwordlessType: 'PASSWORDLESS_TYPE_NOT_ALLOWED',
          ignoreUnknownUsernames: true,
          defaultRedirectUri: 'https://login.example.com/',
          passwordCheckLifetime: '3600s',
          externalLoginCheckLifetime: '7200s',
          mfaInitSkipLifetime: '86400s',
          secondFactorCheckLifetime: '600s',
          multiFactorCheckLifetime: '900s',
          secondFactors: ['SECOND_FACTOR_TYPE_U2F', 'SECOND_FACTOR_TYPE_OTP_EMAIL'],
          multiFactors: ['MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION'],
          allowDomainDiscovery: false,
          disableLoginWithEmail: true,
          forceMfaLocalOnly: true,
        },
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
    });
    after(() => app.close());

    const transports: [string, () => Transport][] = [
      ['gRPC (createServerTransport of @zitadel/client/node)', () => m[1].createServerTransport(token, { baseUrl: `http://${app.grpcAddress}` })],
      ['gRPC-web (createClientTransport of @zitadel/client/web)', () => m[2].createClientTransport(token, { baseUrl: app.url } as never)],
    ];

    for (const [name, transport] of transports) {
      it(`${name}: an inheriting org (INSTANCE), a custom org (ORG) and the instance, field by field the v1 GetLoginPolicy answers`, async () => {
        const owner = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
        const settings = m[0].createSettingsServiceClient(transport());

        const inherited = await settings.getLoginSettings({ ctx: { resourceOwner: { case: 'orgId', value: inheriting } } });
        const v1Inherited = (await app.request('GET', MGMT, { token: owner, headers: orgHeader(inheriting) })).body.policy;
        assert.equal(v1Inherited.isDefault, true);
        assertSameAsV1(inherited, v1Inherited, m);
        assert.equal(inherited.settings?.resourceOwnerType, m[4].ResourceOwnerType.INSTANCE);

        const own = await settings.getLoginSettings({ ctx: { resourceOwner: { case: 'orgId', value: custom } } });
        const v1Custom = (await app.request('GET', MGMT, { token: owner, headers: orgHeader(custom) })).body.policy;
        assert.equal(v1Custom.isDefault, false);
        assertSameAsV1(own, v1Custom, m);
        assert.equal(own.settings?.resourceOwnerType, m[4].ResourceOwnerType.ORG);
        assert.equal(own.settings?.passkeysType, m[3].PasskeysType.NOT_ALLOWED);
        assert.deepEqual(own.settings?.secondFactors, [m[3].SecondFactorType.U2F, m[3].SecondFactorType.OTP_EMAIL]);

        const instance = await settings.getLoginSettings({ ctx: { resourceOwner: { case: 'instance', value: true } } });
        assertSameAsV1(instance, (await app.request('GET', ADMIN, { token: owner })).body.policy, m);
        assert.equal(instance.settings?.resourceOwnerType, m[4].ResourceOwnerType.INSTANCE);
      });
    }
  });
}
