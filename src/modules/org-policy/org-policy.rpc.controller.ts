import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ApiExcludeController } from '@nestjs/swagger';
import { RpcMethod } from '../../common/bus/rpc-method.decorator.js';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller, TargetOrg } from '../../common/auth/caller-carrier.js';
import { OrgPermission } from '../../common/auth/route-access.decorator.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { InstanceService } from '../instance/instance.service.js';
import { AddCustomLoginPolicyRequest } from '../login-policy/dto/add-custom-login-policy.dto.js';
import {
  AddMultiFactorToLoginPolicyRequest,
  AddSecondFactorToLoginPolicyRequest,
  RemoveMultiFactorFromLoginPolicyRequest,
  RemoveSecondFactorFromLoginPolicyRequest,
} from '../login-policy/dto/factor-requests.dto.js';
import { ListLoginPolicyMultiFactorsResponse, ListLoginPolicySecondFactorsResponse } from '../login-policy/dto/factor-responses.dto.js';
import { UpdateCustomLoginPolicyRequest } from '../login-policy/dto/login-policy-settings.dto.js';
import { GetDefaultLoginPolicyResponse, GetLoginPolicyResponse } from '../login-policy/dto/login-policy.dto.js';
import { toDetailsResponse, toFactorLists, toMultiFactorList, toSecondFactorList, toGetLoginPolicyResponse, toPolicyResponse, toSettings } from '../login-policy/login-policy.mapper.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';

const SERVICE = 'ManagementService' as const;

/** gRPC and bus door of `zitadel.management.v1.ManagementService` for an org's login policy. */
@ApiExcludeController()
@Controller()
export class OrgPolicyRpcController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @RpcMethod(SERVICE, 'GetLoginPolicy')
  @OrgPermission('policy.read')
  getLoginPolicy(@TargetOrg() orgId: string): Promise<GetLoginPolicyResponse> {
    return this.policies.getPolicy(this.instance.orgPolicyOwner(orgId)).then(toGetLoginPolicyResponse);
  }

  @RpcMethod(SERVICE, 'GetDefaultLoginPolicy')
  @OrgPermission('policy.read')
  getDefaultLoginPolicy(@TargetOrg() orgId: string): Promise<GetDefaultLoginPolicyResponse> {
    return this.policies.getDefaultPolicy(this.instance.orgPolicyOwner(orgId)).then(toPolicyResponse);
  }

  @RpcMethod(SERVICE, 'AddCustomLoginPolicy')
  @OrgPermission('policy.write')
  async addCustomLoginPolicy(
    @Payload() request: AddCustomLoginPolicyRequest,
    @TargetOrg() orgId: string,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    const owner = this.instance.orgPolicyOwner(orgId);
    return toDetailsResponse(await this.policies.addCustomPolicy(owner, toSettings(request), toFactorLists(request), caller.userId));
  }

  @RpcMethod(SERVICE, 'UpdateCustomLoginPolicy')
  @OrgPermission('policy.write')
  async updateCustomLoginPolicy(
    @Payload() request: UpdateCustomLoginPolicyRequest,
    @TargetOrg() orgId: string,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.updateSettings(this.instance.orgPolicyOwner(orgId), toSettings(request), caller.userId));
  }

  @RpcMethod(SERVICE, 'ResetLoginPolicyToDefault')
  @OrgPermission('policy.delete')
  async resetLoginPolicyToDefault(@TargetOrg() orgId: string, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.resetToDefault(this.instance.orgPolicyOwner(orgId), caller.userId));
  }

  @RpcMethod(SERVICE, 'ListLoginPolicySecondFactors')
  @OrgPermission('policy.read')
  listSecondFactors(@TargetOrg() orgId: string): Promise<ListLoginPolicySecondFactorsResponse> {
    return this.policies.listFactors(this.instance.orgPolicyOwner(orgId), 'second').then(toSecondFactorList);
  }

  @RpcMethod(SERVICE, 'AddSecondFactorToLoginPolicy')
  @OrgPermission('policy.write')
  async addSecondFactor(
    @Payload() request: AddSecondFactorToLoginPolicyRequest,
    @TargetOrg() orgId: string,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.orgPolicyOwner(orgId), 'second', request.type, caller.userId));
  }

  @RpcMethod(SERVICE, 'RemoveSecondFactorFromLoginPolicy')
  @OrgPermission('policy.write')
  async removeSecondFactor(
    @Payload() request: RemoveSecondFactorFromLoginPolicyRequest,
    @TargetOrg() orgId: string,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.orgPolicyOwner(orgId), 'second', request.type, caller.userId));
  }

  @RpcMethod(SERVICE, 'ListLoginPolicyMultiFactors')
  @OrgPermission('policy.read')
  listMultiFactors(@TargetOrg() orgId: string): Promise<ListLoginPolicyMultiFactorsResponse> {
    return this.policies.listFactors(this.instance.orgPolicyOwner(orgId), 'multi').then(toMultiFactorList);
  }

  @RpcMethod(SERVICE, 'AddMultiFactorToLoginPolicy')
  @OrgPermission('policy.write')
  async addMultiFactor(
    @Payload() request: AddMultiFactorToLoginPolicyRequest,
    @TargetOrg() orgId: string,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.orgPolicyOwner(orgId), 'multi', request.type, caller.userId));
  }

  @RpcMethod(SERVICE, 'RemoveMultiFactorFromLoginPolicy')
  @OrgPermission('policy.write')
  async removeMultiFactor(
    @Payload() request: RemoveMultiFactorFromLoginPolicyRequest,
    @TargetOrg() orgId: string,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.orgPolicyOwner(orgId), 'multi', request.type, caller.userId));
  }
}
