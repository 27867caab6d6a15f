import { Controller } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RpcMethod } from '../../common/bus/rpc-method.decorator.js';
import { Payload } from '@nestjs/microservices';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller } from '../../common/auth/caller-carrier.js';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { InstanceService } from '../instance/instance.service.js';
import {
  AddMultiFactorToLoginPolicyRequest,
  AddSecondFactorToLoginPolicyRequest,
  RemoveMultiFactorFromLoginPolicyRequest,
  RemoveSecondFactorFromLoginPolicyRequest,
} from '../login-policy/dto/factor-requests.dto.js';
import { ListLoginPolicyMultiFactorsResponse, ListLoginPolicySecondFactorsResponse } from '../login-policy/dto/factor-responses.dto.js';
import { UpdateLoginPolicyRequest } from '../login-policy/dto/login-policy-settings.dto.js';
import { GetDefaultLoginPolicyResponse } from '../login-policy/dto/login-policy.dto.js';
import { toDetailsResponse, toMultiFactorList, toSecondFactorList, toPolicyResponse, toSettings } from '../login-policy/login-policy.mapper.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';

const SERVICE = 'AdminService' as const;

/** gRPC and bus door of `zitadel.admin.v1.AdminService` for the instance default login policy. */
@ApiExcludeController()
@Controller()
export class InstancePolicyRpcController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @RpcMethod(SERVICE, 'GetLoginPolicy')
  @Permission('iam.policy.read')
  getLoginPolicy(): Promise<GetDefaultLoginPolicyResponse> {
    return this.policies.getPolicy(this.instance.defaultPolicyOwner()).then(toPolicyResponse);
  }

  @RpcMethod(SERVICE, 'UpdateLoginPolicy')
  @Permission('iam.policy.write')
  async updateLoginPolicy(@Payload() request: UpdateLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.updateSettings(this.instance.defaultPolicyOwner(), toSettings(request), caller.userId));
  }

  @RpcMethod(SERVICE, 'ListLoginPolicySecondFactors')
  @Permission('iam.policy.read')
  listSecondFactors(): Promise<ListLoginPolicySecondFactorsResponse> {
    return this.policies.listFactors(this.instance.defaultPolicyOwner(), 'second').then(toSecondFactorList);
  }

  @RpcMethod(SERVICE, 'AddSecondFactorToLoginPolicy')
  @Permission('iam.policy.write')
  async addSecondFactor(@Payload() request: AddSecondFactorToLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.defaultPolicyOwner(), 'second', request.type, caller.userId));
  }

  @RpcMethod(SERVICE, 'RemoveSecondFactorFromLoginPolicy')
  @Permission('iam.policy.write')
  async removeSecondFactor(@Payload() request: RemoveSecondFactorFromLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.defaultPolicyOwner(), 'second', request.type, caller.userId));
  }

  @RpcMethod(SERVICE, 'ListLoginPolicyMultiFactors')
  @Permission('iam.policy.read')
  listMultiFactors(): Promise<ListLoginPolicyMultiFactorsResponse> {
    return this.policies.listFactors(this.instance.defaultPolicyOwner(), 'multi').then(toMultiFactorList);
  }

  @RpcMethod(SERVICE, 'AddMultiFactorToLoginPolicy')
  @Permission('iam.policy.write')
  async addMultiFactor(@Payload() request: AddMultiFactorToLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.defaultPolicyOwner(), 'multi', request.type, caller.userId));
  }

  @RpcMethod(SERVICE, 'RemoveMultiFactorFromLoginPolicy')
  @Permission('iam.policy.write')
  async removeMultiFactor(@Payload() request: RemoveMultiFactorFromLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.defaultPolicyOwner(), 'multi', request.type, caller.userId));
  }
}
