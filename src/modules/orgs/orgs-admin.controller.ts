import { Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Operation } from '../../common/api/operation.decorator.js';
import { Input } from '../../common/api/request-input.js';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors, errorCase } from '../../common/errors/api-error-responses.decorator.js';
import { orgNotFound } from '../../common/errors/org-not-found.js';
import { pageOf } from '../../common/proto/list-query.dto.js';
import { invalidRequest } from '../../common/validation/invalid-request.js';
import { GetOrgByIDRequest, GetOrgResponse, ListOrgsRequest, ListOrgsResponse } from './dto/org.dto.js';
import { toListOrgsResponse, toOrgMessage } from './org.mapper.js';
import { OrgService } from './org.service.js';

const ADMIN = 'AdminService';

/** Admin API (`zitadel.admin.v1.AdminService`) on every door: the orgs of the instance. */
@ApiTags('Admin API: organizations')
@Controller('admin/v1/orgs')
export class OrgsAdminController {
  constructor(private readonly orgs: OrgService) {}

  @Operation(ADMIN, 'ListOrgs', {
    rest: 'POST _search',
    body: { required: false },
    summary: 'List organizations',
    description: 'Active orgs of the instance, by creation time. Body `{"query": {"offset", "limit", "asc"}}`, all optional.',
  })
  @Permission('iam.read')
  @ApiOkResponse({ type: ListOrgsResponse })
  @ApiErrors(errorCase('A paging value is not valid', invalidRequest('ListOrgsRequest', [{ field: 'query.limit', description: 'value must be a whole number from 0 to 1000' }])))
  async listOrgs(@Input() request: ListOrgsRequest): Promise<ListOrgsResponse> {
    return toListOrgsResponse(await this.orgs.listOrgs(pageOf(request.query, true)));
  }

  @Operation(ADMIN, 'GetOrgByID', { rest: 'GET :id', summary: 'Get an organization by id', description: 'Unknown or removed → 404 `Org-n0tFd`.' })
  @Permission('iam.read')
  @ApiOkResponse({ type: GetOrgResponse })
  @ApiErrors(errorCase('The org does not exist or was removed', orgNotFound()))
  async getOrgById(@Input() request: GetOrgByIDRequest): Promise<GetOrgResponse> {
    return { org: toOrgMessage(await this.orgs.getOrg(request.id)) };
  }
}
