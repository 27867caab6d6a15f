import { Module } from '@nestjs/common';
import { EventStoreRepository } from './event-store.repository.js';

@Module({
  providers: [EventStoreRepository],
  exports: [EventStoreRepository],
})
export class EventsModule {}
