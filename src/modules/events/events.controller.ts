import { Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Operation } from '../../common/api/operation.decorator.js';
import { Input } from '../../common/api/request-input.js';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors, errorCase } from '../../common/errors/api-error-responses.decorator.js';
import { invalidRequest } from '../../common/validation/invalid-request.js';
import { ListEventsRequest, ListEventsResponse } from './dto/list-events.dto.js';
import { toEventFilter, toEventMessage } from './event.mapper.js';
import { EventsService } from './events.service.js';

/** Admin API (`zitadel.admin.v1.AdminService`) on every door: the event history. */
@ApiTags('Admin API: events')
@Controller('admin/v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Operation('AdminService', 'ListEvents', {
    rest: 'POST _search',
    body: { required: false, examples: { oldestFirst: { summary: 'The first ten events, oldest first', value: { asc: true, limit: 10 } } } },
    summary: 'List events',
    description:
      'Every change as an event, newest first unless `asc` is true. Page with `position` (the last position you saw) ' +
      'across aggregates, or with `sequence` within one aggregate (`aggregateId`).',
  })
  @Permission('events.read')
  @ApiOkResponse({ type: ListEventsResponse })
  @ApiErrors(errorCase('A filter value is not valid', invalidRequest('ListEventsRequest', [{ field: 'aggregateTypes', description: 'value must be one of instance, org' }])))
  async listEvents(@Input() request: ListEventsRequest): Promise<ListEventsResponse> {
    const events = await this.events.listEvents(toEventFilter(request));
    return { events: events.map(toEventMessage) };
  }
}
