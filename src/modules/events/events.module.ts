import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventEntity } from './event.entity.js';
import { EventPositionEntity } from './event-position.entity.js';
import { EventSequencer } from './event-sequencer.service.js';
import { EventStore } from './event-store.service.js';

/** The event store, used by the commands of every module. */
@Module({
  imports: [TypeOrmModule.forFeature([EventEntity, EventPositionEntity])],
  providers: [EventStore, EventSequencer],
  exports: [EventStore, EventSequencer],
})
export class EventsModule {}
