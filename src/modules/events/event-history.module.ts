import { Module } from '@nestjs/common';
import { InstanceModule } from '../instance/instance.module.js';
import { EventsModule } from './events.module.js';
import { EventHistoryRepository } from './event-history.repository.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';

/** The Admin API's ListEvents. */
@Module({
  imports: [InstanceModule, EventsModule],
  controllers: [EventsController],
  providers: [EventHistoryRepository, EventsService],
})
export class EventHistoryModule {}
