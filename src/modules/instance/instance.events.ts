import { EventDraft } from '../events/stored-event.js';

/** Events of the instance aggregate's own life (its default policy's events are LoginPolicyEvents). */
export const InstanceEvents = {
  added: (): EventDraft => ({ type: 'instance.added', payload: {} }),
};
