import { Module } from '@nestjs/common';
import { InstanceModule } from '../instance/instance.module.js';
import { EventsController } from './events.controller.js';
import { EventsRpcController } from './events.rpc.controller.js';
import { EventsModule } from './events.module.js';
import { EventsService } from './events.service.js';

/** The Admin API's ListEvents. */
@Module({
  imports: [EventsModule, InstanceModule],
  controllers: [EventsController, EventsRpcController],
  providers: [EventsService],
})
export class EventHistoryModule {}
