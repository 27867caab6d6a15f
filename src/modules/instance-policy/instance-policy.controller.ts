import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller } from '../../common/auth/caller-carrier.js';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors } from '../../common/errors/api-error-responses.decorator.js';
import { DirectRoute } from '../../common/http/direct-routes.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { MultiFactorType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { ProtoEnumPipe } from '../../common/validation/proto-enum.pipe.js';
import { InstanceService } from '../instance/instance.service.js';
import { AddMultiFactorToLoginPolicyRequest, AddSecondFactorToLoginPolicyRequest, ListLoginPolicyFactorsRequest } from '../login-policy/dto/factor-requests.dto.js';
import { ListLoginPolicyMultiFactorsResponse, ListLoginPolicySecondFactorsResponse } from '../login-policy/dto/factor-responses.dto.js';
import { UpdateLoginPolicyRequest } from '../login-policy/dto/login-policy-settings.dto.js';
import { GetDefaultLoginPolicyResponse } from '../login-policy/dto/login-policy.dto.js';
import { ApiFactorTypeParam } from '../login-policy/factor-type.param.js';
import { factorAddErrors, factorRemoveErrors, settingsUpdateErrors } from '../login-policy/login-policy.api-errors.js';
import { toDetailsResponse, toMultiFactorList, toSecondFactorList, toPolicyResponse, toSettings } from '../login-policy/login-policy.mapper.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { INSTANCE_LEVEL } from '../login-policy/policy-level.js';

/**
 * Admin API (`zitadel.admin.v1.AdminService`): the instance's default login policy, which every
 * org without a custom policy follows.
 */
@ApiTags('Admin API: instance default login policy')
@Controller('admin/v1/policies/login')
export class InstancePolicyController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @Get()
  @Permission('iam.policy.read')
  @DirectRoute()
  @ApiOperation({
    operationId: 'AdminService_GetLoginPolicy',
    summary: 'Get the default login policy',
    description: 'Returns the instance default login policy with its settings and allowed factors; `isDefault` is always true.',
  })
  @ApiOkResponse({ type: GetDefaultLoginPolicyResponse })
  getLoginPolicy(): Promise<GetDefaultLoginPolicyResponse> {
    return this.policies.getPolicy(this.instance.defaultPolicyOwner()).then(toPolicyResponse);
  }

  @Put()
  @Permission('iam.policy.write')
  @ApiOperation({
    operationId: 'AdminService_UpdateLoginPolicy',
    summary: 'Update the default login policy settings',
    description:
      'Replaces every setting of the default login policy (absent fields take their zero value); the factors are not touched. ' +
      'A request that changes nothing answers 400 FAILED_PRECONDITION `INSTANCE-5M9vdd`. Event `instance.policy.login.changed`.',
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...settingsUpdateErrors(INSTANCE_LEVEL, 'UpdateLoginPolicyRequest'))
  async updateLoginPolicy(@Body() request: UpdateLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    const change = await this.policies.updateSettings(this.instance.defaultPolicyOwner(), toSettings(request), caller.userId);
    return toDetailsResponse(change);
  }

  @Post('second_factors/_search')
  @HttpCode(200)
  @Permission('iam.policy.read')
  @DirectRoute()
  @ApiOperation({
    operationId: 'AdminService_ListLoginPolicySecondFactors',
    summary: 'List the second factors of the default login policy',
    description: 'Second factors (2FA) allowed by the instance default, in the order they were added. The body may be `{}` or absent.',
  })
  @ApiBody({ type: ListLoginPolicyFactorsRequest, required: false })
  @ApiOkResponse({ type: ListLoginPolicySecondFactorsResponse })
  listSecondFactors(@Body() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicySecondFactorsResponse> {
    return this.policies.listFactors(this.instance.defaultPolicyOwner(), 'second').then(toSecondFactorList);
  }

  @Post('second_factors')
  @HttpCode(200)
  @Permission('iam.policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'AdminService_AddSecondFactorToLoginPolicy',
    summary: 'Add a second factor to the default login policy',
    description: 'Allows a second factor (2FA) for every org that follows the default. Event `instance.policy.login.secondfactor.added`.',
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorAddErrors(INSTANCE_LEVEL, 'second'))
  async addSecondFactor(@Body() request: AddSecondFactorToLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    const change = await this.policies.addFactor(this.instance.defaultPolicyOwner(), 'second', request.type, caller.userId);
    return toDetailsResponse(change);
  }

  @Delete('second_factors/:type')
  @Permission('iam.policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'AdminService_RemoveSecondFactorFromLoginPolicy',
    summary: 'Remove a second factor from the default login policy',
    description: 'Event `instance.policy.login.secondfactor.removed`.',
  })
  @ApiFactorTypeParam(SecondFactorType, 'SECOND_FACTOR_TYPE_OTP')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorRemoveErrors(INSTANCE_LEVEL, 'second'))
  async removeSecondFactor(
    @Param('type', new ProtoEnumPipe(SecondFactorType, 'RemoveSecondFactorFromLoginPolicyRequest', 'type')) type: number,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    const change = await this.policies.removeFactor(this.instance.defaultPolicyOwner(), 'second', type, caller.userId);
    return toDetailsResponse(change);
  }

  @Post('multi_factors/_search')
  @HttpCode(200)
  @Permission('iam.policy.read')
  @DirectRoute()
  @ApiOperation({
    operationId: 'AdminService_ListLoginPolicyMultiFactors',
    summary: 'List the multi factors of the default login policy',
    description: 'Passwordless multi factors (passkeys) allowed by the instance default, in the order they were added.',
  })
  @ApiBody({ type: ListLoginPolicyFactorsRequest, required: false })
  @ApiOkResponse({ type: ListLoginPolicyMultiFactorsResponse })
  listMultiFactors(@Body() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicyMultiFactorsResponse> {
    return this.policies.listFactors(this.instance.defaultPolicyOwner(), 'multi').then(toMultiFactorList);
  }

  @Post('multi_factors')
  @HttpCode(200)
  @Permission('iam.policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'AdminService_AddMultiFactorToLoginPolicy',
    summary: 'Add a multi factor to the default login policy',
    description: 'Allows a passwordless multi factor. Event `instance.policy.login.multifactor.added`.',
  })
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorAddErrors(INSTANCE_LEVEL, 'multi'))
  async addMultiFactor(@Body() request: AddMultiFactorToLoginPolicyRequest, @Caller() caller: AuthContext): Promise<DetailsResponse> {
    const change = await this.policies.addFactor(this.instance.defaultPolicyOwner(), 'multi', request.type, caller.userId);
    return toDetailsResponse(change);
  }

  @Delete('multi_factors/:type')
  @Permission('iam.policy.write')
  @DirectRoute()
  @ApiOperation({
    operationId: 'AdminService_RemoveMultiFactorFromLoginPolicy',
    summary: 'Remove a multi factor from the default login policy',
    description: 'Event `instance.policy.login.multifactor.removed`.',
  })
  @ApiFactorTypeParam(MultiFactorType, 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorRemoveErrors(INSTANCE_LEVEL, 'multi'))
  async removeMultiFactor(
    @Param('type', new ProtoEnumPipe(MultiFactorType, 'RemoveMultiFactorFromLoginPolicyRequest', 'type')) type: number,
    @Caller() caller: AuthContext,
  ): Promise<DetailsResponse> {
    const change = await this.policies.removeFactor(this.instance.defaultPolicyOwner(), 'multi', type, caller.userId);
    return toDetailsResponse(change);
  }
}
