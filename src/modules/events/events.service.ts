import { Injectable } from '@nestjs/common';
import { InstanceService } from '../instance/instance.service.js';
import { EventFilter } from './event-filter.js';
import { EventHistoryRepository } from './event-history.repository.js';
import { StoredEvent } from './stored-event.js';

/** Reads the event history of the instance. */
@Injectable()
export class EventsService {
  constructor(
    private readonly history: EventHistoryRepository,
    private readonly instance: InstanceService,
  ) {}

  listEvents(filter: EventFilter): Promise<StoredEvent[]> {
    return this.history.query(this.instance.id, filter);
  }
}
