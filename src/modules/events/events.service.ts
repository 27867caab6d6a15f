import { Injectable } from '@nestjs/common';
import { InstanceService } from '../instance/instance.service.js';
import { EventFilter } from './event-filter.js';
import { EventHistoryRepository } from './event-history.repository.js';
import { EventSequencer } from './event-sequencer.service.js';
import { StoredEvent } from './stored-event.js';

/** Reads the event history of the instance. */
@Injectable()
export class EventsService {
  constructor(
    private readonly history: EventHistoryRepository,
    private readonly sequencer: EventSequencer,
    private readonly instance: InstanceService,
  ) {}

  /** Events in position order; every event committed before the call has its position by then, so callers see their own. */
  async listEvents(filter: EventFilter): Promise<StoredEvent[]> {
    await this.sequencer.catchUp();
    return this.history.query(this.instance.id, filter);
  }
}
