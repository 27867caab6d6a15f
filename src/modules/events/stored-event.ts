export type AggregateType = 'instance' | 'org';

/** The aggregate an event belongs to; its sequence numbers are gap-free per aggregate. */
export interface AggregateRef {
  instanceId: string;
  type: AggregateType;
  id: string;
}

/** An aggregate's stream as a command read it: the sequence of its last event (0 for a new aggregate). */
export interface EventStream {
  aggregate: AggregateRef;
  sequence: number;
}

export interface EventDraft {
  type: string;
  payload: Record<string, unknown>;
}

/** An event a command appended: its sequence and time are known at once, its position when it commits. */
export interface AppendedEvent extends EventDraft {
  aggregate: AggregateRef;
  sequence: number;
  createdAt: Date;
}

/** An event as stored, with its global position. */
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
