export type AggregateType = 'instance' | 'org';

/** The aggregate an event belongs to; its sequence numbers are gap-free per aggregate. */
export interface AggregateRef {
  instanceId: string;
  type: AggregateType;
  id: string;
}

export interface EventDraft {
  type: string;
  payload: Record<string, unknown>;
}

export interface StoredEvent {
  position: number;
  instanceId: string;
  aggregateType: AggregateType;
  aggregateId: string;
  sequence: number;
  type: string;
  payload: Record<string, unknown>;
  creator: string;
  resourceOwner: string;
  createdAt: Date;
}
