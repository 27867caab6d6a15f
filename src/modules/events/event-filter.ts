import { AggregateType } from './stored-event.js';

/** What ListEvents asks for. `sequence` and `position` are exclusive bounds in the reading direction. */
export interface EventFilter {
  aggregateTypes: AggregateType[];
  aggregateId?: string;
  eventTypes: string[];
  sequence?: number;
  position?: number;
  limit: number;
  asc: boolean;
}
