import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../common/database/transaction-runner.service.js';
import { InstanceService } from '../instance/instance.service.js';
import { EventStoreRepository } from './event-store.repository.js';
import { EventFilter } from './event-filter.js';
import { StoredEvent } from './stored-event.js';

/** Reads the event history of the instance. */
@Injectable()
export class EventsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly store: EventStoreRepository,
    private readonly instance: InstanceService,
  ) {}

  listEvents(filter: EventFilter): Promise<StoredEvent[]> {
    return this.transactions.run((tx) => this.store.query(tx, this.instance.id, filter));
  }
}
