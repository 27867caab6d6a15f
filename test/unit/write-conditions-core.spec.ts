import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { ErrorKind } from '../../src/common/errors/error-kind.js';
import { SEED_SETTINGS } from '../../src/modules/login-policy/login-policy-settings.js';
import { aggregateOf } from '../../src/modules/login-policy/policy-level.js';
import { CREATOR, INSTANCE, addOrg, serviceOnFakes } from './in-memory-login-policy.js';

const OTP = 1;
const U2F = 2;
const OTP_EMAIL = 3;
const PASSKEY = 1;

const refusedWith = (id: string, kind: ErrorKind, httpStatus?: number) => (error: unknown) => {
  assert.ok(error instanceof DomainError, String(error));
  assert.equal(error.id, id);
  assert.equal(error.kind, kind);
  assert.equal(error.httpStatus, httpStatus);
  return true;
};

describe('the core with write conditions (LoginPolicyService on in-memory fakes)', () => {
  describe('setFactors', () => {
    it('removes what is not wanted, then adds what is missing, and answers both; the same set again appends nothing', async () => {
      const { service, store } = await serviceOnFakes();
      const change = await service.setFactors(INSTANCE, { second: [OTP_EMAIL, OTP, OTP_EMAIL], multi: [PASSKEY] }, CREATOR);
      assert.deepEqual(change.added, { second: [OTP_EMAIL], multi: [] });
      assert.deepEqual(change.removed, { second: [U2F], multi: [] });
      assert.deepEqual(
        store.of(aggregateOf(INSTANCE)).slice(-2).map((event) => `${event.type} ${JSON.stringify(event.payload)}`),
        ['instance.policy.login.secondfactor.removed {"mfaType":2}', 'instance.policy.login.secondfactor.added {"mfaType":3}'],
      );
      assert.deepEqual((await service.getPolicy(INSTANCE)).factors.second, [OTP, OTP_EMAIL]);
      const events = store.events.length;
      const again = await service.setFactors(INSTANCE, { second: [OTP, OTP_EMAIL], multi: [PASSKEY] }, CREATOR);
      assert.deepEqual(again.added, { second: [], multi: [] });
      assert.equal(again.details.sequence, change.details.sequence);
      assert.equal(store.events.length, events);
    });

    it('on an org that follows the default: no copy when the set equals the default; a copy plus the difference otherwise', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      const before = store.events.length;
      const same = await service.setFactors(org, { second: [U2F, OTP], multi: [PASSKEY] }, CREATOR);
      assert.equal(store.events.length, before, 'order does not matter, the set does');
      assert.equal(same.details.resourceOwner, INSTANCE.ownerId, 'the policy it follows');
      assert.equal(policies.policies.has('org-1'), false);
      const copied = await service.setFactors(org, { second: [OTP], multi: [] }, CREATOR);
      assert.ok(copied.details.creationDate);
      assert.deepEqual(copied.removed, { second: [U2F], multi: [PASSKEY] });
      assert.equal(store.of(aggregateOf(org)).filter((event) => event.type === 'org.policy.login.added').length, 1);
    });
  });

  describe('preconditions', () => {
    it('a write at the expected sequence goes through; at another one it is refused with 412 LPF-s3qMoved naming the current sequence, and nothing is stored', async () => {
      const { service, store } = await serviceOnFakes();
      const current = (await service.getPolicy(INSTANCE)).sequence;
      const events = store.events.length;
      await assert.rejects(service.addFactor(INSTANCE, 'second', OTP_EMAIL, CREATOR, { expectedSequence: current - 1 }), (error: unknown) => {
        refusedWith('LPF-s3qMoved', ErrorKind.FailedPrecondition, 412)(error);
        assert.match((error as Error).message, new RegExp(`at sequence ${current}, not ${current - 1}`));
        return true;
      });
      assert.equal(store.events.length, events);
      const done = await service.addFactor(INSTANCE, 'second', OTP_EMAIL, CREATOR, { expectedSequence: current });
      assert.equal(done.sequence, current + 1);
    });

    it("an org that follows the default is at the default's sequence", async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      const defaultSequence = (await service.getPolicy(INSTANCE)).sequence;
      assert.equal((await service.getPolicy(org)).sequence, defaultSequence);
      await service.addFactor(org, 'second', OTP_EMAIL, CREATOR, { expectedSequence: defaultSequence });
    });
  });

  describe('dry runs', () => {
    it('answer what the write answers, and store nothing; a refusal is the same refusal', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      const events = store.events.length;
      const dry = await service.addFactor(org, 'second', OTP_EMAIL, CREATOR, { validateOnly: true });
      assert.equal(store.events.length, events);
      assert.equal(policies.policies.has('org-1'), false, 'no copy of the default either');
      const real = await service.addFactor(org, 'second', OTP_EMAIL, CREATOR);
      assert.equal(dry.sequence, real.sequence);
      await assert.rejects(service.addFactor(org, 'second', OTP_EMAIL, CREATOR, { validateOnly: true }), refusedWith('Org-2B0ps', ErrorKind.AlreadyExists));
    });
  });

  describe('the lock-out guard', () => {
    it('refuses, on request, a change that makes forceMfa without any factor (LPF-lock0mfa), and stores nothing', async () => {
      const { service, store, policies } = await serviceOnFakes();
      const org = await addOrg(store, policies, 'org-1');
      await service.addCustomPolicy(org, { ...SEED_SETTINGS, forceMfa: true, passwordlessType: 0 }, { second: [OTP], multi: [] }, CREATOR);
      const events = store.events.length;
      await assert.rejects(service.removeFactor(org, 'second', OTP, CREATOR, { lockout: 'refuse' }), refusedWith('LPF-lock0mfa', ErrorKind.FailedPrecondition));
      assert.equal(store.events.length, events);
      await service.removeFactor(org, 'second', OTP, CREATOR, { lockout: 'allow' });
      assert.equal(store.events.length, events + 1);
    });

    it('on the ZITADEL-compatible calls: warn (made, counted) by default, refused with LOCKOUT_GUARD=enforce', async () => {
      const warned = await serviceOnFakes('warn');
      await warned.service.removeFactor(INSTANCE, 'multi', PASSKEY, CREATOR);
      assert.match(await warned.metrics.render(), /login_policy_lockout_changes_total\{rule="passwordless_without_multi_factors",outcome="warned"\} 1/);
      const enforced = await serviceOnFakes('enforce');
      await assert.rejects(enforced.service.removeFactor(INSTANCE, 'multi', PASSKEY, CREATOR), refusedWith('LPF-lock0pwl', ErrorKind.FailedPrecondition));
    });

    it('a reset checks the default the org would follow, though the org has a policy of its own (LPF-lock0pwl), and stores nothing', async () => {
      const { service, store, policies } = await serviceOnFakes('enforce');
      const org = await addOrg(store, policies, 'org-1');
      await service.addCustomPolicy(org, { ...SEED_SETTINGS, passwordlessType: 1 }, { second: [OTP], multi: [PASSKEY] }, CREATOR);
      // the default keeps passwordless allowed and loses its only multi factor
      await service.setFactors(INSTANCE, { second: [OTP], multi: [] }, CREATOR, { lockout: 'allow' });
      const events = store.events.length;
      await assert.rejects(service.resetToDefault(org, CREATOR), refusedWith('LPF-lock0pwl', ErrorKind.FailedPrecondition));
      assert.equal(store.events.length, events);
      assert.equal(policies.policies.has('org-1'), true, 'the org keeps its own policy');
      await service.resetToDefault(org, CREATOR, { lockout: 'allow' });
      assert.equal(policies.policies.has('org-1'), false);
    });

    it('a change of the default names how many orgs follow it; a policy that already broke a rule can be changed', async () => {
      const { service, store, policies } = await serviceOnFakes('enforce');
      await addOrg(store, policies, 'org-1');
      await addOrg(store, policies, 'org-2');
      await assert.rejects(service.setFactors(INSTANCE, { second: [OTP], multi: [] }, CREATOR), /2 orgs follow the instance default/);
      await service.setFactors(INSTANCE, { second: [OTP], multi: [] }, CREATOR, { lockout: 'allow' });
      // still broken after the change, but not made by it: allowed
      await service.setFactors(INSTANCE, { second: [OTP, U2F], multi: [] }, CREATOR);
    });
  });
});
