import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller, TargetOrg } from '../../common/auth/caller-carrier.js';
import { OrgPermission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors } from '../../common/errors/api-error-responses.decorator.js';
import { DirectRoute } from '../../common/http/direct-routes.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { MultiFactorType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { ProtoEnumPipe } from '../../common/validation/proto-enum.pipe.js';
import { InstanceService } from '../instance/instance.service.js';
import { AddCustomLoginPolicyRequest } from '../login-policy/dto/add-custom-login-policy.dto.js';
import { AddMultiFactorToLoginPolicyRequest, AddSecondFactorToLoginPolicyRequest, ListLoginPolicyFactorsRequest } from '../login-policy/dto/factor-requests.dto.js';
import { ListLoginPolicyMultiFactorsResponse, ListLoginPolicySecondFactorsResponse } from '../login-policy/dto/factor-responses.dto.js';
import { UpdateCustomLoginPolicyRequest } from '../login-policy/dto/login-policy-settings.dto.js';
import { GetDefaultLoginPolicyResponse, GetLoginPolicyResponse } from '../login-policy/dto/login-policy.dto.js';
import { toDetailsResponse, toFactorLists, toMultiFactorList, toSecondFactorList, toGetLoginPolicyResponse, toPolicyResponse, toSettings } from '../login-policy/login-policy.mapper.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';

const TYPE_PARAM = { name: 'type', description: 'The factor, by name or number.' };
const COPY_ON_WRITE =
  ' An org without a custom policy first gets a copy of the current instance default (event `org.policy.login.added`), in the same transaction, so the change is real; it then stops following the default until ResetLoginPolicyToDefault.';

/**
 * Management API (`zitadel.management.v1.ManagementService`): the login policy of one org, chosen
 * by `x-zitadel-orgid` or the caller's own org. Orgs without a custom policy follow the default.
 */
@ApiTags('Management API: organization login policy')
@Controller('management/v1/policies')
export class OrgPolicyController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @Get('login')
  @OrgPermission('policy.read')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_GetLoginPolicy',
    summary: "Get the org's login policy",
    description: 'The custom policy of the org, or the instance default (`isDefault: true`) while it has none.',
  })
  @ApiOkResponse({ type: GetLoginPolicyResponse })
  getLoginPolicy(@TargetOrg() orgId: string): Promise<GetLoginPolicyResponse> {
    return this.policies.getPolicy(this.instance.orgPolicyOwner(orgId)).then(toGetLoginPolicyResponse);
  }

  @Get('default/login')
  @OrgPermission('policy.read')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_GetDefaultLoginPolicy',
    summary: 'Get the instance default login policy',
    description: 'The default that orgs without a custom policy follow.',
  })
  @ApiOkResponse({ type: GetDefaultLoginPolicyResponse })
  getDefaultLoginPolicy(@TargetOrg() orgId: string): Promise<GetDefaultLoginPolicyResponse> {
    return this.policies.getDefaultPolicy(this.instance.orgPolicyOwner(orgId)).then(toPolicyResponse);
  }

  @Post('login')
  @HttpCode(200)
  @OrgPermission('policy.write')
  @ApiOperation({
    operationId: 'ManagementService_AddCustomLoginPolicy',
    summary: 'Give the org its own login policy',
    description:
      'Settings plus exactly the listed factors (duplicates collapse). Events `org.policy.login.added`, then one factor-added event per factor; details name the last.',
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors({ badRequest: 'Invalid field or factor (UNSPECIFIED).', conflict: 'The org already has one (`Org-Dgfb2`).' })
  async addCustomLoginPolicy(
    @TargetOrg() orgId: string,
    @Body() request: AddCustomLoginPolicyRequest,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    const change = await this.policies.addCustomPolicy(this.instance.orgPolicyOwner(orgId), toSettings(request), toFactorLists(request), caller.userId);
    return toDetailsResponse(change);
  }

  @Put('login')
  @OrgPermission('policy.write')
  @ApiOperation({
    operationId: 'ManagementService_UpdateCustomLoginPolicy',
    summary: "Update the settings of the org's login policy",
    description: 'Replaces every setting (absent fields take their zero value); factors are untouched. Event `org.policy.login.changed`.',
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors({ badRequest: 'Invalid field, or nothing changed (`Org-5M9vdd`).', notFound: 'The org has no custom policy (`Org-M0sif`).' })
  async updateCustomLoginPolicy(
    @TargetOrg() orgId: string,
    @Body() request: UpdateCustomLoginPolicyRequest,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.updateSettings(this.instance.orgPolicyOwner(orgId), toSettings(request), caller.userId));
  }

  @Delete('login')
  @OrgPermission('policy.delete')
  @ApiOperation({
    operationId: 'ManagementService_ResetLoginPolicyToDefault',
    summary: 'Reset the org to the default login policy',
    description: 'Drops the custom policy and all its factors; the org follows the instance default again. Event `org.policy.login.removed`.',
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors({ notFound: 'The org has no custom policy (`Org-GHB37`).' })
  async resetLoginPolicyToDefault(@TargetOrg() orgId: string, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.resetToDefault(this.instance.orgPolicyOwner(orgId), caller.userId));
  }

  @Post('login/second_factors/_search')
  @HttpCode(200)
  @OrgPermission('policy.read')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_ListLoginPolicySecondFactors',
    summary: "List the org's second factors",
    description: 'From the custom policy, or the instance default while the org has none; in the order they were added.',
  })
  @ApiOkResponse({ type: ListLoginPolicySecondFactorsResponse })
  listSecondFactors(@TargetOrg() orgId: string, @Body() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicySecondFactorsResponse> {
    return this.policies.listFactors(this.instance.orgPolicyOwner(orgId), 'second').then(toSecondFactorList);
  }

  @Post('login/second_factors')
  @HttpCode(200)
  @OrgPermission('policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_AddSecondFactorToLoginPolicy',
    summary: 'Add a second factor to the org',
    description: `Event \`org.policy.login.secondfactor.added\`.${COPY_ON_WRITE}`,
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors({ badRequest: 'Missing, 0 or unknown `type`.', conflict: 'Already on the policy (`Org-2B0ps`).' })
  async addSecondFactor(
    @TargetOrg() orgId: string,
    @Body() request: AddSecondFactorToLoginPolicyRequest,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.orgPolicyOwner(orgId), 'second', request.type, caller.userId));
  }

  @Delete('login/second_factors/:type')
  @OrgPermission('policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_RemoveSecondFactorFromLoginPolicy',
    summary: 'Remove a second factor from the org',
    description: `Event \`org.policy.login.secondfactor.removed\`.${COPY_ON_WRITE}`,
  })
  @ApiParam({ ...TYPE_PARAM, enum: SecondFactorType.names, enumName: SecondFactorType.shortName })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors({ badRequest: '0 or unknown `type`.', notFound: 'Not on the policy (`Org-3M9od`).' })
  async removeSecondFactor(
    @TargetOrg() orgId: string,
    @Param('type', new ProtoEnumPipe(SecondFactorType, 'RemoveSecondFactorFromLoginPolicyRequest', 'type')) type: number,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.orgPolicyOwner(orgId), 'second', type, caller.userId));
  }

  @Post(['login/auth_factors/_search', 'login/multi_factors/_search'])
  @HttpCode(200)
  @OrgPermission('policy.read')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_ListLoginPolicyMultiFactors',
    summary: "List the org's multi factors",
    description: '`auth_factors/_search` is the path ZITADEL uses; `multi_factors/_search` is an alias.',
  })
  @ApiOkResponse({ type: ListLoginPolicyMultiFactorsResponse })
  listMultiFactors(@TargetOrg() orgId: string, @Body() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicyMultiFactorsResponse> {
    return this.policies.listFactors(this.instance.orgPolicyOwner(orgId), 'multi').then(toMultiFactorList);
  }

  @Post('login/multi_factors')
  @HttpCode(200)
  @OrgPermission('policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_AddMultiFactorToLoginPolicy',
    summary: 'Add a multi factor to the org',
    description: `Event \`org.policy.login.multifactor.added\`.${COPY_ON_WRITE}`,
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors({ badRequest: 'Missing, 0 or unknown `type`.', conflict: 'Already on the policy (`Org-3M9od`).' })
  async addMultiFactor(
    @TargetOrg() orgId: string,
    @Body() request: AddMultiFactorToLoginPolicyRequest,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.orgPolicyOwner(orgId), 'multi', request.type, caller.userId));
  }

  @Delete('login/multi_factors/:type')
  @OrgPermission('policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'ManagementService_RemoveMultiFactorFromLoginPolicy',
    summary: 'Remove a multi factor from the org',
    description: `Event \`org.policy.login.multifactor.removed\`.${COPY_ON_WRITE}`,
  })
  @ApiParam({ ...TYPE_PARAM, enum: MultiFactorType.names, enumName: MultiFactorType.shortName })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors({ badRequest: '0 or unknown `type`.', notFound: 'Not on the policy (`Org-3M9df`).' })
  async removeMultiFactor(
    @TargetOrg() orgId: string,
    @Param('type', new ProtoEnumPipe(MultiFactorType, 'RemoveMultiFactorFromLoginPolicyRequest', 'type')) type: number,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.orgPolicyOwner(orgId), 'multi', type, caller.userId));
  }
}
