import { EventDraft } from '../events/stored-event.js';
import { LoginPolicySettings } from './login-policy-settings.js';
import { FactorKind } from './login-policy.model.js';
import { PolicyLevel } from './policy-level.js';

const factorEventName = (kind: FactorKind) => (kind === 'second' ? 'secondfactor' : 'multifactor');

/** Event types and payloads of the login policy, on the instance or an org aggregate (SPEC §3.1, §3.3). */
export const LoginPolicyEvents = {
  added: (level: PolicyLevel, settings: LoginPolicySettings): EventDraft => ({ type: `${level.eventPrefix}.policy.login.added`, payload: { ...settings } }),
  removed: (level: PolicyLevel): EventDraft => ({ type: `${level.eventPrefix}.policy.login.removed`, payload: {} }),
  changed: (level: PolicyLevel, changes: Partial<LoginPolicySettings>): EventDraft => ({ type: `${level.eventPrefix}.policy.login.changed`, payload: { ...changes } }),
  factorAdded: (level: PolicyLevel, kind: FactorKind, type: number): EventDraft => ({
    type: `${level.eventPrefix}.policy.login.${factorEventName(kind)}.added`,
    payload: { mfaType: type },
  }),
  factorRemoved: (level: PolicyLevel, kind: FactorKind, type: number): EventDraft => ({
    type: `${level.eventPrefix}.policy.login.${factorEventName(kind)}.removed`,
    payload: { mfaType: type },
  }),
};
