import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventEntity } from './event.entity.js';
import { EventPositionEntity } from './event-position.entity.js';
import { EventStore } from './event-store.service.js';
import { EventStreamEntity } from './event-stream.entity.js';

/** The event store, used by the commands of every module. */
@Module({
  imports: [TypeOrmModule.forFeature([EventEntity, EventStreamEntity, EventPositionEntity])],
  providers: [EventStore],
  exports: [EventStore],
})
export class EventsModule {}
