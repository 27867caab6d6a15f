import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller, TargetOrg } from '../../common/auth/caller-carrier.js';
import { OrgPermission, Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors, errorCase } from '../../common/errors/api-error-responses.decorator.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { invalidRequest } from '../../common/validation/invalid-request.js';
import { toDetailsResponse, toObjectDetails } from '../login-policy/login-policy.mapper.js';
import { AddOrgRequest, AddOrgResponse, GetOrgResponse } from './dto/org.dto.js';
import { toOrgMessage } from './org.mapper.js';
import { OrgService } from './org.service.js';

/** Management API (`zitadel.management.v1.ManagementService`): create, read and remove orgs. */
@ApiTags('Management API: organizations')
@Controller('management/v1/orgs')
export class MyOrgController {
  constructor(private readonly orgs: OrgService) {}

  @Post()
  @HttpCode(200)
  @Permission('org.create')
  @ApiOperation({
    operationId: 'ManagementService_AddOrg',
    summary: 'Create an organization',
    description: 'Creates an org with a generated numeric id; it follows the instance default login policy. Event `org.added`.',
  })
  @ApiOkResponse({ type: AddOrgResponse })
  @ApiErrors(errorCase('`name` missing, empty, longer than 200 characters or with control characters', invalidRequest('AddOrgRequest', [{ field: 'name', description: 'value length must be between 1 and 200 characters, inclusive' }])))
  async addOrg(@Body() request: AddOrgRequest, @Caller() caller: AuthContext): Promise<AddOrgResponse> {
    const created = await this.orgs.addOrg(request.name, caller.userId);
    return { id: created.id, details: toObjectDetails(created.details) };
  }

  @Get('me')
  @OrgPermission('org.read')
  @ApiOperation({
    operationId: 'ManagementService_GetMyOrg',
    summary: 'Get the organization',
    description: 'The org named by `x-zitadel-orgid`, else the caller\'s own org.',
  })
  @ApiOkResponse({ type: GetOrgResponse })
  async getMyOrg(@TargetOrg() orgId: string): Promise<GetOrgResponse> {
    return { org: toOrgMessage(await this.orgs.getOrg(orgId)) };
  }

  @Delete('me')
  @OrgPermission('org.delete')
  @ApiOperation({
    operationId: 'ManagementService_RemoveOrg',
    summary: 'Remove the organization',
    description: 'Marks the org removed and drops its custom login policy. Later calls naming it answer 404 `Org-n0tFd`. Events `org.policy.login.removed` (if it had one), `org.removed`.',
  })
  @ApiOkResponse({ type: DetailsResponse })
  async removeOrg(@TargetOrg() orgId: string, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.orgs.removeOrg(orgId, caller.userId));
  }
}
