import { Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Operation } from '../../common/api/operation.decorator.js';
import { Input } from '../../common/api/request-input.js';
import { Conditions, WriteConditions } from '../../common/api/write-conditions.js';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller, TargetOrg } from '../../common/auth/caller-carrier.js';
import { OrgPermission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors } from '../../common/errors/api-error-responses.decorator.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { MultiFactorType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { InstanceService } from '../instance/instance.service.js';
import { AddCustomLoginPolicyRequest } from '../login-policy/dto/add-custom-login-policy.dto.js';
import {
  AddMultiFactorToLoginPolicyRequest,
  AddSecondFactorToLoginPolicyRequest,
  ListLoginPolicyFactorsRequest,
  RemoveMultiFactorFromLoginPolicyRequest,
  RemoveSecondFactorFromLoginPolicyRequest,
} from '../login-policy/dto/factor-requests.dto.js';
import { ListLoginPolicyMultiFactorsResponse, ListLoginPolicySecondFactorsResponse } from '../login-policy/dto/factor-responses.dto.js';
import { UpdateCustomLoginPolicyRequest } from '../login-policy/dto/login-policy-settings.dto.js';
import { GetDefaultLoginPolicyResponse, GetLoginPolicyResponse } from '../login-policy/dto/login-policy.dto.js';
import { ApiFactorTypeParam } from '../login-policy/factor-type.param.js';
import { customPolicyAddErrors, customPolicyResetErrors, customPolicyUpdateErrors, factorAddErrors, factorRemoveErrors } from '../login-policy/login-policy.api-errors.js';
import { factorListVersion, policyVersion, toDetailsResponse, toFactorLists, toMultiFactorList, toSecondFactorList, toGetLoginPolicyResponse, toPolicyResponse, toSettings } from '../login-policy/login-policy.mapper.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { ORG_LEVEL } from '../login-policy/policy-level.js';

const MANAGEMENT = 'ManagementService';

const COPY_ON_WRITE =
  ' An org without a custom policy first gets a copy of the current instance default (event `org.policy.login.added`), in the same transaction, so the change is real; it then stops following the default until ResetLoginPolicyToDefault.';

/**
 * Management API (`zitadel.management.v1.ManagementService`) on every door: the login policy of
 * one org, chosen by `x-zitadel-orgid` or the caller's own org. Orgs without a custom policy follow
 * the default.
 */
@ApiTags('Management API: organization login policy')
@Controller('management/v1/policies')
export class OrgPolicyController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @Operation(MANAGEMENT, 'GetLoginPolicy', {
    rest: 'GET login',
    direct: true,
    etag: policyVersion,
    summary: "Get the org's login policy",
    description: 'The custom policy of the org, or the instance default (`isDefault: true`) while it has none.',
  })
  @OrgPermission('policy.read')
  @ApiOkResponse({ type: GetLoginPolicyResponse })
  getLoginPolicy(@TargetOrg() orgId: string): Promise<GetLoginPolicyResponse> {
    return this.policies.getPolicy(this.instance.orgPolicyOwner(orgId), toGetLoginPolicyResponse);
  }

  @Operation(MANAGEMENT, 'GetDefaultLoginPolicy', {
    rest: 'GET default/login',
    direct: true,
    etag: policyVersion,
    summary: 'Get the instance default login policy',
    description: 'The default that orgs without a custom policy follow.',
  })
  @OrgPermission('policy.read')
  @ApiOkResponse({ type: GetDefaultLoginPolicyResponse })
  getDefaultLoginPolicy(@TargetOrg() orgId: string): Promise<GetDefaultLoginPolicyResponse> {
    return this.policies.getDefaultPolicy(this.instance.orgPolicyOwner(orgId), toPolicyResponse);
  }

  @Operation(MANAGEMENT, 'AddCustomLoginPolicy', {
    rest: 'POST login',
    summary: 'Give the org its own login policy',
    description:
      'Settings plus exactly the listed factors (duplicates collapse). Events `org.policy.login.added`, then one factor-added event per factor; details name the last.',
  })
  @OrgPermission('policy.write')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...customPolicyAddErrors())
  async addCustomLoginPolicy(
    @TargetOrg() orgId: string,
    @Input() request: AddCustomLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    const change = await this.policies.addCustomPolicy(this.instance.orgPolicyOwner(orgId), toSettings(request), toFactorLists(request), caller.userId, conditions);
    return toDetailsResponse(change);
  }

  @Operation(MANAGEMENT, 'UpdateCustomLoginPolicy', {
    rest: 'PUT login',
    summary: "Update the settings of the org's login policy",
    description: 'Replaces every setting (absent fields take their zero value); factors are untouched. Event `org.policy.login.changed`.',
  })
  @OrgPermission('policy.write')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...customPolicyUpdateErrors())
  async updateCustomLoginPolicy(
    @TargetOrg() orgId: string,
    @Input() request: UpdateCustomLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.updateSettings(this.instance.orgPolicyOwner(orgId), toSettings(request), caller.userId, conditions));
  }

  @Operation(MANAGEMENT, 'ResetLoginPolicyToDefault', {
    rest: 'DELETE login',
    summary: 'Reset the org to the default login policy',
    description: 'Drops the custom policy and all its factors; the org follows the instance default again. Event `org.policy.login.removed`.',
  })
  @OrgPermission('policy.delete')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...customPolicyResetErrors())
  async resetLoginPolicyToDefault(
    @TargetOrg() orgId: string,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.resetToDefault(this.instance.orgPolicyOwner(orgId), caller.userId, conditions));
  }

  @Operation(MANAGEMENT, 'ListLoginPolicySecondFactors', {
    rest: 'POST login/second_factors/_search',
    direct: true,
    etag: factorListVersion,
    body: { required: false },
    summary: "List the org's second factors",
    description: 'From the custom policy, or the instance default while the org has none; in the order they were added.',
  })
  @OrgPermission('policy.read')
  @ApiOkResponse({ type: ListLoginPolicySecondFactorsResponse })
  listSecondFactors(@TargetOrg() orgId: string, @Input() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicySecondFactorsResponse> {
    return this.policies.factorLists(this.instance.orgPolicyOwner(orgId), toSecondFactorList);
  }

  @Operation(MANAGEMENT, 'AddSecondFactorToLoginPolicy', {
    rest: 'POST login/second_factors',
    direct: true,
    summary: 'Add a second factor to the org',
    description: `Event \`org.policy.login.secondfactor.added\`.${COPY_ON_WRITE}`,
  })
  @OrgPermission('policy.write')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorAddErrors(ORG_LEVEL, 'second'))
  async addSecondFactor(
    @TargetOrg() orgId: string,
    @Input() request: AddSecondFactorToLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.orgPolicyOwner(orgId), 'second', request.type, caller.userId, conditions));
  }

  @Operation(MANAGEMENT, 'RemoveSecondFactorFromLoginPolicy', {
    rest: 'DELETE login/second_factors/:type',
    direct: true,
    summary: 'Remove a second factor from the org',
    description: `Event \`org.policy.login.secondfactor.removed\`.${COPY_ON_WRITE}`,
  })
  @OrgPermission('policy.write')
  @ApiFactorTypeParam(SecondFactorType, 'SECOND_FACTOR_TYPE_OTP')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorRemoveErrors(ORG_LEVEL, 'second'))
  async removeSecondFactor(
    @TargetOrg() orgId: string,
    @Input() request: RemoveSecondFactorFromLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.orgPolicyOwner(orgId), 'second', request.type, caller.userId, conditions));
  }

  @Operation(MANAGEMENT, 'ListLoginPolicyMultiFactors', {
    rest: ['POST login/auth_factors/_search', 'POST login/multi_factors/_search'],
    direct: true,
    etag: factorListVersion,
    body: { required: false },
    summary: "List the org's multi factors",
    description: '`auth_factors/_search` is the path ZITADEL uses; `multi_factors/_search` is an alias.',
  })
  @OrgPermission('policy.read')
  @ApiOkResponse({ type: ListLoginPolicyMultiFactorsResponse })
  listMultiFactors(@TargetOrg() orgId: string, @Input() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicyMultiFactorsResponse> {
    return this.policies.factorLists(this.instance.orgPolicyOwner(orgId), toMultiFactorList);
  }

  @Operation(MANAGEMENT, 'AddMultiFactorToLoginPolicy', {
    rest: 'POST login/multi_factors',
    direct: true,
    summary: 'Add a multi factor to the org',
    description: `Event \`org.policy.login.multifactor.added\`.${COPY_ON_WRITE}`,
  })
  @OrgPermission('policy.write')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorAddErrors(ORG_LEVEL, 'multi'))
  async addMultiFactor(
    @TargetOrg() orgId: string,
    @Input() request: AddMultiFactorToLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.orgPolicyOwner(orgId), 'multi', request.type, caller.userId, conditions));
  }

  @Operation(MANAGEMENT, 'RemoveMultiFactorFromLoginPolicy', {
    rest: 'DELETE login/multi_factors/:type',
    direct: true,
    summary: 'Remove a multi factor from the org',
    description: `Event \`org.policy.login.multifactor.removed\`.${COPY_ON_WRITE}`,
  })
  @OrgPermission('policy.write')
  @ApiFactorTypeParam(MultiFactorType, 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorRemoveErrors(ORG_LEVEL, 'multi'))
  async removeMultiFactor(
    @TargetOrg() orgId: string,
    @Input() request: RemoveMultiFactorFromLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.orgPolicyOwner(orgId), 'multi', request.type, caller.userId, conditions));
  }
}
