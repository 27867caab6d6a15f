import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors, errorCase } from '../../common/errors/api-error-responses.decorator.js';
import { invalidRequest } from '../../common/validation/invalid-request.js';
import { ListEventsRequest, ListEventsResponse } from './dto/list-events.dto.js';
import { toEventFilter, toEventMessage } from './event.mapper.js';
import { EventsService } from './events.service.js';

/** Admin API: the event history. */
@ApiTags('Admin API: events')
@Controller('admin/v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post('_search')
  @HttpCode(200)
  @Permission('events.read')
  @ApiOperation({
    operationId: 'AdminService_ListEvents',
    summary: 'List events',
    description:
      'Every change as an event, newest first unless `asc` is true. Page with `position` (the last position you saw) ' +
      'across aggregates, or with `sequence` within one aggregate (`aggregateId`).',
  })
  @ApiBody({ type: ListEventsRequest, required: false, examples: { oldestFirst: { summary: 'The first ten events, oldest first', value: { asc: true, limit: 10 } } } })
  @ApiOkResponse({ type: ListEventsResponse })
  @ApiErrors(errorCase('A filter value is not valid', invalidRequest('ListEventsRequest', [{ field: 'aggregateTypes', description: 'value must be one of instance, org' }])))
  async listEvents(@Body() request: ListEventsRequest): Promise<ListEventsResponse> {
    const events = await this.events.listEvents(toEventFilter(request));
    return { events: events.map(toEventMessage) };
  }
}
