import { EventDraft } from '../events/stored-event.js';

/** Events of the org aggregate's own life (its login policy's events are LoginPolicyEvents). */
export const OrgEvents = {
  added: (name: string): EventDraft => ({ type: 'org.added', payload: { name } }),
  removed: (): EventDraft => ({ type: 'org.removed', payload: {} }),
};
