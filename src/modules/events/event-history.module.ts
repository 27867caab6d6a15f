import { Module } from '@nestjs/common';
import { InstanceModule } from '../instance/instance.module.js';
import { EventsModule } from './events.module.js';
import { EventHistoryRepository } from './event-history.repository.js';
import { EventsController } from './events.controller.js';
import { EventsRpcController } from './events.rpc.controller.js';
import { EventsService } from './events.service.js';

/** The Admin API's ListEvents. */
@Module({
  imports: [InstanceModule, EventsModule],
  controllers: [EventsController, EventsRpcController],
  providers: [EventHistoryRepository, EventsService],
})
export class EventHistoryModule {}
