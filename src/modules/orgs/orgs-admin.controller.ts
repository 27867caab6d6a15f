import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors, errorCase } from '../../common/errors/api-error-responses.decorator.js';
import { orgNotFound } from '../../common/errors/org-not-found.js';
import { pageOf } from '../../common/proto/list-query.dto.js';
import { invalidRequest } from '../../common/validation/invalid-request.js';
import { GetOrgResponse, ListOrgsRequest, ListOrgsResponse } from './dto/org.dto.js';
import { toListOrgsResponse, toOrgMessage } from './org.mapper.js';
import { OrgService } from './org.service.js';

/** Admin API: the orgs of the instance. */
@ApiTags('Admin API: organizations')
@Controller('admin/v1/orgs')
export class OrgsAdminController {
  constructor(private readonly orgs: OrgService) {}

  @Post('_search')
  @HttpCode(200)
  @Permission('iam.read')
  @ApiOperation({
    operationId: 'AdminService_ListOrgs',
    summary: 'List organizations',
    description: 'Active orgs of the instance, by creation time. Body `{"query": {"offset", "limit", "asc"}}`, all optional.',
  })
  @ApiBody({ type: ListOrgsRequest, required: false })
  @ApiOkResponse({ type: ListOrgsResponse })
  @ApiErrors(errorCase('A paging value is not valid', invalidRequest('ListOrgsRequest', [{ field: 'query.limit', description: 'value must be a whole number from 0 to 1000' }])))
  async listOrgs(@Body() request: ListOrgsRequest): Promise<ListOrgsResponse> {
    return toListOrgsResponse(await this.orgs.listOrgs(pageOf(request.query, true)));
  }

  @Get(':id')
  @Permission('iam.read')
  @ApiOperation({ operationId: 'AdminService_GetOrgByID', summary: 'Get an organization by id', description: 'Unknown or removed → 404 `Org-n0tFd`.' })
  @ApiOkResponse({ type: GetOrgResponse })
  @ApiErrors(errorCase('The org does not exist or was removed', orgNotFound()))
  async getOrgById(@Param('id') id: string): Promise<GetOrgResponse> {
    return { org: toOrgMessage(await this.orgs.getOrg(id)) };
  }
}
