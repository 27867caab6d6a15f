import { Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Operation } from '../../common/api/operation.decorator.js';
import { Input } from '../../common/api/request-input.js';
import { Conditions, WriteConditions } from '../../common/api/write-conditions.js';
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

const MANAGEMENT = 'ManagementService';

/** Management API (`zitadel.management.v1.ManagementService`) on every door: create, read and remove orgs. */
@ApiTags('Management API: organizations')
@Controller('management/v1/orgs')
export class MyOrgController {
  constructor(private readonly orgs: OrgService) {}

  @Operation(MANAGEMENT, 'AddOrg', {
    rest: 'POST',
    summary: 'Create an organization',
    description: 'Creates an org with a generated numeric id; it follows the instance default login policy. Event `org.added`.',
  })
  @Permission('org.create')
  @ApiOkResponse({ type: AddOrgResponse })
  @ApiErrors(errorCase('`name` missing, empty, longer than 200 characters or with control characters', invalidRequest('AddOrgRequest', [{ field: 'name', description: 'value length must be between 1 and 200 characters, inclusive' }])))
  async addOrg(@Input() request: AddOrgRequest, @Caller() caller: AuthContext, @Conditions() conditions: WriteConditions): Promise<AddOrgResponse> {
    const created = await this.orgs.addOrg(request.name, caller.userId, conditions);
    return { id: created.id, details: toObjectDetails(created.details) };
  }

  @Operation(MANAGEMENT, 'GetMyOrg', {
    rest: 'GET me',
    summary: 'Get the organization',
    description: 'The org named by `x-zitadel-orgid`, else the caller\'s own org.',
  })
  @OrgPermission('org.read')
  @ApiOkResponse({ type: GetOrgResponse })
  async getMyOrg(@TargetOrg() orgId: string): Promise<GetOrgResponse> {
    return { org: toOrgMessage(await this.orgs.getOrg(orgId)) };
  }

  @Operation(MANAGEMENT, 'RemoveOrg', {
    rest: 'DELETE me',
    summary: 'Remove the organization',
    description: 'Marks the org removed and drops its custom login policy. Later calls naming it answer 404 `Org-n0tFd`. Events `org.policy.login.removed` (if it had one), `org.removed`.',
  })
  @OrgPermission('org.delete')
  @ApiOkResponse({ type: DetailsResponse })
  async removeOrg(@TargetOrg() orgId: string, @Caller() caller: AuthContext, @Conditions() conditions: WriteConditions): Promise<DetailsResponse> {
    return toDetailsResponse(await this.orgs.removeOrg(orgId, caller.userId, conditions));
  }
}
