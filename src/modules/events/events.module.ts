import { Module } from '@nestjs/common';
import { EventStoreRepository } from './event-store.repository.js';

/** The event store, used by every command. */
@Module({
  providers: [EventStoreRepository],
  exports: [EventStoreRepository],
})
export class EventsModule {}
