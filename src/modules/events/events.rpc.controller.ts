import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ApiExcludeController } from '@nestjs/swagger';
import { RpcMethod } from '../../common/bus/rpc-method.decorator.js';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ListEventsRequest, ListEventsResponse } from './dto/list-events.dto.js';
import { toEventFilter, toEventMessage } from './event.mapper.js';
import { EventsService } from './events.service.js';

/** gRPC and bus door of the Admin API's ListEvents. */
@ApiExcludeController()
@Controller()
export class EventsRpcController {
  constructor(private readonly events: EventsService) {}

  @RpcMethod('AdminService', 'ListEvents')
  @Permission('events.read')
  async listEvents(@Payload() request: ListEventsRequest): Promise<ListEventsResponse> {
    return { events: (await this.events.listEvents(toEventFilter(request))).map(toEventMessage) };
  }
}
