import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { ErrorKind, httpStatusOf } from '../../src/common/errors/error-kind.js';
import { SEED_SETTINGS } from '../../src/modules/login-policy/login-policy-settings.js';
import { FactorKind } from '../../src/modules/login-policy/login-policy.model.js';
import { PolicyOwner, aggregateOf } from '../../src/modules/login-policy/policy-level.js';
import { CREATOR, INSTANCE, InMemoryEventStore, addOrg, serviceOnFakes } from './in-memory-login-policy.js';

const OTP = 1;
const U2F = 2;
const OTP_EMAIL = 3;
const OTP_SMS = 4;
const PASSKEY = 1;

/** The core's refusal: kind (and so its HTTP status), id and text. */
async function assertRefused(answer: Promise<unknown>, kind: ErrorKind, httpStatus: number, id: string, message: string): Promise<void> {
  await assert.rejects(answer, (error: unknown) => {
    assert.ok(error instanceof DomainError, `a DomainError, not ${String(error)}`);
    assert.equal(error.kind, kind);
    assert.equal(httpStatusOf(error.kind), httpStatus);
    assert.equal(error.id, id);
    assert.equal(error.message, message);
    return true;
  });
}

/** Event types and payloads of an aggregate's committed events, with their sequences. */
function eventsOf(store: InMemoryEventStore, owner: PolicyOwner) {
  return store.of(aggregateOf(owner)).map(({ sequence, type, payload }) => ({ sequence, type, payload }));
}

describe('the login-policy core (LoginPolicyService on in-memory fakes)', () => {
  describe('copy-on-write of an org that follows the default', () => {
    it('adding a factor first copies the default (org.policy.login.added with its settings and factors), then adds it, in one transaction', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      const commits = store.commits;

      const details = await service.addFactor(org, 'second', OTP_EMAIL, CREATOR);

      assert.equal(store.commits, commits + 1, 'one transaction');
      assert.deepEqual(eventsOf(store, org), [
        { sequence: 1, type: 'org.added', payload: { name: 'org-1' } },
        { sequence: 2, type: 'org.policy.login.added', payload: { ...SEED_SETTINGS } },
        { sequence: 3, type: 'org.policy.login.secondfactor.added', payload: { mfaType: OTP } },
        { sequence: 4, type: 'org.policy.login.secondfactor.added', payload: { mfaType: U2F } },
        { sequence: 5, type: 'org.policy.login.multifactor.added', payload: { mfaType: PASSKEY } },
        { sequence: 6, type: 'org.policy.login.secondfactor.added', payload: { mfaType: OTP_EMAIL } },
      ]);
      const at = store.of(aggregateOf(org))[1].createdAt;
      assert.deepEqual(details, { sequence: 6, creationDate: at, changeDate: at, resourceOwner: 'org-1' });

      const policy = await service.getPolicy(org);
      assert.equal(policy.isDefault, false, 'the org has a policy of its own now');
      assert.equal(policy.ownerId, 'org-1');
      assert.deepEqual(policy.factors, { second: [OTP, U2F, OTP_EMAIL], multi: [PASSKEY] });
      assert.deepEqual(policy.settings, SEED_SETTINGS);
      assert.equal(policy.sequence, 6);
      assert.deepEqual((await service.getPolicy(INSTANCE)).factors, { second: [OTP, U2F], multi: [PASSKEY] }, 'the default is unchanged');
    });

    it('removing a factor the default has copies the default, then removes it from the copy', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');

      await service.removeFactor(org, 'multi', PASSKEY, CREATOR);

      assert.deepEqual(
        eventsOf(store, org).map((event) => event.type),
        [
          'org.added',
          'org.policy.login.added',
          'org.policy.login.secondfactor.added',
          'org.policy.login.secondfactor.added',
          'org.policy.login.multifactor.added',
          'org.policy.login.multifactor.removed',
        ],
      );
      assert.deepEqual((await service.getPolicy(org)).factors, { second: [OTP, U2F], multi: [] });
      assert.deepEqual((await service.factorLists(INSTANCE)).factors.multi, [PASSKEY], 'the default keeps its passkeys');
    });

    it('removing a factor the default does not have answers 404 Org-3M9od and copies nothing (remove before copy)', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');

      await assertRefused(service.removeFactor(org, 'second', OTP_SMS, CREATOR), ErrorKind.NotFound, 404, 'Org-3M9od', 'Multifactor not existing');

      assert.deepEqual(eventsOf(store, org).map((event) => event.type), ['org.added'], 'no event appended');
      assert.equal(policies.policies.has('org-1'), false, 'no copy stored');
      assert.equal((await service.getPolicy(org)).isDefault, true, 'the org still follows the default');
    });

    it('adding a factor the default already has answers 409 Org-2B0ps and copies nothing', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');

      await assertRefused(service.addFactor(org, 'second', U2F, CREATOR), ErrorKind.AlreadyExists, 409, 'Org-2B0ps', 'Multifactor already exists');

      assert.deepEqual(eventsOf(store, org).map((event) => event.type), ['org.added']);
      assert.equal(policies.policies.has('org-1'), false);
    });

    it('an org with its copy stops following later changes of the default', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      await service.addFactor(org, 'second', OTP_EMAIL, CREATOR);

      await service.addFactor(INSTANCE, 'second', OTP_SMS, CREATOR);

      assert.deepEqual((await service.factorLists(org)).factors.second, [OTP, U2F, OTP_EMAIL]);
      assert.deepEqual((await service.factorLists(INSTANCE)).factors.second, [OTP, U2F, OTP_SMS]);
    });
  });

  describe('factors already there, or not there', () => {
    const cases: { owner: 'org' | 'instance'; kind: FactorKind; addedTwiceId: string; absentId: string }[] = [
      { owner: 'org', kind: 'second', addedTwiceId: 'Org-2B0ps', absentId: 'Org-3M9od' },
      { owner: 'org', kind: 'multi', addedTwiceId: 'Org-3M9od', absentId: 'Org-3M9df' },
      { owner: 'instance', kind: 'second', addedTwiceId: 'INSTANCE-2B0ps', absentId: 'INSTANCE-3M9od' },
      { owner: 'instance', kind: 'multi', addedTwiceId: 'INSTANCE-3M9od', absentId: 'INSTANCE-3M9df' },
    ];
    for (const { owner: level, kind, addedTwiceId, absentId } of cases) {
      it(`${level} ${kind} factor: adding it twice answers 409 ALREADY_EXISTS ${addedTwiceId}, removing it twice 404 NOT_FOUND ${absentId}; the refusals append nothing`, async () => {
        const { service, store, policies } = await serviceOnFakes();
        const owner = level === 'org' ? await addOrg(store, policies, 'org-1') : INSTANCE;
        // the org gets a policy of its own without factors, so each step below is one event on it
        if (level === 'org') await service.addCustomPolicy(owner, SEED_SETTINGS, { second: [], multi: [] }, CREATOR);
        if (level === 'instance' && kind === 'multi') await service.removeFactor(owner, 'multi', PASSKEY, CREATOR);
        const type = kind === 'second' ? OTP_EMAIL : PASSKEY;

        const added = await service.addFactor(owner, kind, type, CREATOR);
        const afterAdd = store.events.length;
        await assertRefused(service.addFactor(owner, kind, type, CREATOR), ErrorKind.AlreadyExists, 409, addedTwiceId, 'Multifactor already exists');
        assert.equal(store.events.length, afterAdd);

        const removed = await service.removeFactor(owner, kind, type, CREATOR);
        const afterRemove = store.events.length;
        await assertRefused(service.removeFactor(owner, kind, type, CREATOR), ErrorKind.NotFound, 404, absentId, 'Multifactor not existing');
        assert.equal(store.events.length, afterRemove);

        assert.equal(removed.sequence, added.sequence + 1);
        assert.ok(added.creationDate, 'an add reports its creation date');
        assert.equal(removed.creationDate, undefined, 'a remove reports only its change date');
        assert.equal(removed.resourceOwner, owner.ownerId);
      });
    }
  });

  describe('settings updates', () => {
    it('an update appends *.policy.login.changed with only the changed settings and keeps the factors', async () => {
      const { service, store } = await serviceOnFakes();
      const before = await service.getPolicy(INSTANCE);

      const details = await service.updateSettings(INSTANCE, { ...SEED_SETTINGS, forceMfa: true, passwordCheckLifetime: 3600 }, CREATOR);

      assert.deepEqual(eventsOf(store, INSTANCE).at(-1), { sequence: details.sequence, type: 'instance.policy.login.changed', payload: { forceMfa: true, passwordCheckLifetime: 3600 } });
      const after = await service.getPolicy(INSTANCE);
      assert.deepEqual(after.settings, { ...SEED_SETTINGS, forceMfa: true, passwordCheckLifetime: 3600 });
      assert.deepEqual(after.factors, before.factors);
      assert.deepEqual(after.creationDate, before.creationDate, 'the creation date stays');
      assert.deepEqual(after.changeDate, details.changeDate);
    });

    for (const level of ['org', 'instance'] as const) {
      it(`an ${level} update that changes nothing answers 400 FAILED_PRECONDITION ${level === 'org' ? 'Org' : 'INSTANCE'}-5M9vdd and appends no event`, async () => {
        const { service, store, policies } = await serviceOnFakes();
        const owner = level === 'org' ? await addOrg(store, policies, 'org-1') : INSTANCE;
        if (level === 'org') await service.addCustomPolicy(owner, { ...SEED_SETTINGS, allowRegister: false }, { second: [OTP], multi: [] }, CREATOR);
        const events = store.events.length;
        const settings = (await service.getPolicy(owner)).settings;

        await assertRefused(
          service.updateSettings(owner, { ...settings }, CREATOR),
          ErrorKind.FailedPrecondition,
          400,
          `${level === 'org' ? 'Org' : 'INSTANCE'}-5M9vdd`,
          'Login Policy has not been changed',
        );
        assert.equal(store.events.length, events);
      });
    }

    it('an org that follows the default cannot update settings: 404 Org-M0sif, nothing copied', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');

      await assertRefused(service.updateSettings(org, { ...SEED_SETTINGS, forceMfa: true }, CREATOR), ErrorKind.NotFound, 404, 'Org-M0sif', 'Login Policy not found');
      assert.equal(policies.policies.has('org-1'), false);
    });
  });

  describe('AddCustomLoginPolicy', () => {
    it('collapses duplicate factors: one factor-added event per distinct factor, in the order first given', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      const settings = { ...SEED_SETTINGS, allowRegister: false };

      const details = await service.addCustomPolicy(org, settings, { second: [U2F, OTP, U2F, U2F], multi: [PASSKEY, PASSKEY] }, CREATOR);

      assert.deepEqual(eventsOf(store, org).slice(1), [
        { sequence: 2, type: 'org.policy.login.added', payload: settings },
        { sequence: 3, type: 'org.policy.login.secondfactor.added', payload: { mfaType: U2F } },
        { sequence: 4, type: 'org.policy.login.secondfactor.added', payload: { mfaType: OTP } },
        { sequence: 5, type: 'org.policy.login.multifactor.added', payload: { mfaType: PASSKEY } },
      ]);
      assert.equal(details.sequence, 5, 'details are those of the last event');
      const policy = await service.getPolicy(org);
      assert.deepEqual(policy.factors, { second: [U2F, OTP], multi: [PASSKEY] }, 'exactly the factors given, no copy of the default');
      assert.deepEqual(policy.settings, settings);
    });

    it('on an org that already has its own policy answers 409 Org-Dgfb2 and appends nothing', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      await service.addCustomPolicy(org, SEED_SETTINGS, { second: [], multi: [] }, CREATOR);
      const events = store.events.length;

      await assertRefused(service.addCustomPolicy(org, SEED_SETTINGS, { second: [OTP], multi: [] }, CREATOR), ErrorKind.AlreadyExists, 409, 'Org-Dgfb2', 'Login Policy already exists');
      assert.equal(store.events.length, events);
    });
  });

  describe('ResetLoginPolicyToDefault', () => {
    it("removes the org's own policy (org.policy.login.removed): its factors are gone and it follows the default again", async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      await service.addFactor(org, 'second', OTP_EMAIL, CREATOR);

      const details = await service.resetToDefault(org, CREATOR);

      assert.deepEqual(eventsOf(store, org).at(-1), { sequence: details.sequence, type: 'org.policy.login.removed', payload: {} });
      assert.equal(policies.policies.has('org-1'), false, "the org's own policy is deleted");
      const policy = await service.getPolicy(org);
      assert.equal(policy.isDefault, true);
      assert.deepEqual(policy.factors, { second: [OTP, U2F], multi: [PASSKEY] });
      await service.addFactor(INSTANCE, 'second', OTP_SMS, CREATOR);
      assert.deepEqual((await service.factorLists(org)).factors.second, [OTP, U2F, OTP_SMS], 'later changes of the default reach the org again');
    });

    it('on an org without its own policy answers 404 Org-GHB37 and appends nothing', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');

      await assertRefused(service.resetToDefault(org, CREATOR), ErrorKind.NotFound, 404, 'Org-GHB37', 'Login Policy not found');
      assert.deepEqual(eventsOf(store, org).map((event) => event.type), ['org.added']);
    });
  });

  it('a command or read on a removed or unknown org answers 404 Org-n0tFd', async () => {
    const { service, store, policies } = await serviceOnFakes();
    const org = await addOrg(store, policies, 'org-1');
    policies.orgs.set('org-1', 'removed');
    const unknown = { ...org, ownerId: 'org-2' };

    for (const owner of [org, unknown]) {
      await assertRefused(service.addFactor(owner, 'second', OTP_EMAIL, CREATOR), ErrorKind.NotFound, 404, 'Org-n0tFd', 'Organisation not found');
      await assertRefused(service.getPolicy(owner), ErrorKind.NotFound, 404, 'Org-n0tFd', 'Organisation not found');
      await assertRefused(service.factorLists(owner), ErrorKind.NotFound, 404, 'Org-n0tFd', 'Organisation not found');
    }
    assert.equal(policies.policies.has('org-1'), false);
  });
});
