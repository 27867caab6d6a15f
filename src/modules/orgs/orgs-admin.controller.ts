import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors } from '../../common/errors/api-error-responses.decorator.js';
import { pageOf } from '../../common/proto/list-query.dto.js';
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
  @ApiOkResponse({ type: ListOrgsResponse })
  @ApiErrors({ badRequest: 'Invalid paging values.' })
  async listOrgs(@Body() request: ListOrgsRequest): Promise<ListOrgsResponse> {
    return toListOrgsResponse(await this.orgs.listOrgs(pageOf(request.query, true)));
  }

  @Get(':id')
  @Permission('iam.read')
  @ApiOperation({ operationId: 'AdminService_GetOrgByID', summary: 'Get an organization by id', description: 'Unknown or removed → 404 `Org-n0tFd`.' })
  @ApiOkResponse({ type: GetOrgResponse })
  @ApiErrors({ notFound: 'Unknown or removed org (`Org-n0tFd`).' })
  async getOrgById(@Param('id') id: string): Promise<GetOrgResponse> {
    return { org: toOrgMessage(await this.orgs.getOrg(id)) };
  }
}
