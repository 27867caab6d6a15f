import { Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Operation } from '../../common/api/operation.decorator.js';
import { Input } from '../../common/api/request-input.js';
import { Conditions, WriteConditions } from '../../common/api/write-conditions.js';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller } from '../../common/auth/caller-carrier.js';
import { Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors } from '../../common/errors/api-error-responses.decorator.js';
import { DetailsResponse } from '../../common/proto/object.dto.js';
import { MultiFactorType, SecondFactorType } from '../../common/proto/policy-enums.js';
import { InstanceService } from '../instance/instance.service.js';
import {
  AddMultiFactorToLoginPolicyRequest,
  AddSecondFactorToLoginPolicyRequest,
  ListLoginPolicyFactorsRequest,
  RemoveMultiFactorFromLoginPolicyRequest,
  RemoveSecondFactorFromLoginPolicyRequest,
} from '../login-policy/dto/factor-requests.dto.js';
import { ListLoginPolicyMultiFactorsResponse, ListLoginPolicySecondFactorsResponse } from '../login-policy/dto/factor-responses.dto.js';
import { UpdateLoginPolicyRequest } from '../login-policy/dto/login-policy-settings.dto.js';
import { GetDefaultLoginPolicyResponse } from '../login-policy/dto/login-policy.dto.js';
import { ApiFactorTypeParam } from '../login-policy/factor-type.param.js';
import { factorAddErrors, factorRemoveErrors, settingsUpdateErrors } from '../login-policy/login-policy.api-errors.js';
import { factorListVersion, policyVersion, toDetailsResponse, toMultiFactorList, toSecondFactorList, toPolicyResponse, toSettings } from '../login-policy/login-policy.mapper.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { INSTANCE_LEVEL } from '../login-policy/policy-level.js';

const ADMIN = 'AdminService';

/**
 * Admin API (`zitadel.admin.v1.AdminService`) on every door: the instance's default login policy,
 * which every org without a custom policy follows.
 */
@ApiTags('Admin API: instance default login policy')
@Controller('admin/v1/policies/login')
export class InstancePolicyController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @Operation(ADMIN, 'GetLoginPolicy', {
    rest: 'GET',
    direct: true,
    etag: policyVersion,
    summary: 'Get the default login policy',
    description: 'Returns the instance default login policy with its settings and allowed factors; `isDefault` is always true.',
  })
  @Permission('iam.policy.read')
  @ApiOkResponse({ type: GetDefaultLoginPolicyResponse })
  getLoginPolicy(): Promise<GetDefaultLoginPolicyResponse> {
    return this.policies.getPolicy(this.instance.defaultPolicyOwner(), toPolicyResponse);
  }

  @Operation(ADMIN, 'UpdateLoginPolicy', {
    rest: 'PUT',
    summary: 'Update the default login policy settings',
    description:
      'Replaces every setting of the default login policy (absent fields take their zero value); the factors are not touched. ' +
      'A request that changes nothing answers 400 FAILED_PRECONDITION `INSTANCE-5M9vdd`. Event `instance.policy.login.changed`.',
  })
  @Permission('iam.policy.write')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...settingsUpdateErrors(INSTANCE_LEVEL, 'UpdateLoginPolicyRequest'))
  async updateLoginPolicy(
    @Input() request: UpdateLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.updateSettings(this.instance.defaultPolicyOwner(), toSettings(request), caller.userId, conditions));
  }

  @Operation(ADMIN, 'ListLoginPolicySecondFactors', {
    rest: 'POST second_factors/_search',
    direct: true,
    etag: factorListVersion,
    body: { required: false },
    summary: 'List the second factors of the default login policy',
    description: 'Second factors (2FA) allowed by the instance default, in the order they were added. The body may be `{}` or absent.',
  })
  @Permission('iam.policy.read')
  @ApiOkResponse({ type: ListLoginPolicySecondFactorsResponse })
  listSecondFactors(@Input() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicySecondFactorsResponse> {
    return this.policies.factorLists(this.instance.defaultPolicyOwner(), toSecondFactorList);
  }

  @Operation(ADMIN, 'AddSecondFactorToLoginPolicy', {
    rest: 'POST second_factors',
    direct: true,
    summary: 'Add a second factor to the default login policy',
    description: 'Allows a second factor (2FA) for every org that follows the default. Event `instance.policy.login.secondfactor.added`.',
  })
  @Permission('iam.policy.write')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorAddErrors(INSTANCE_LEVEL, 'second'))
  async addSecondFactor(
    @Input() request: AddSecondFactorToLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.defaultPolicyOwner(), 'second', request.type, caller.userId, conditions));
  }

  @Operation(ADMIN, 'RemoveSecondFactorFromLoginPolicy', {
    rest: 'DELETE second_factors/:type',
    direct: true,
    summary: 'Remove a second factor from the default login policy',
    description: 'Event `instance.policy.login.secondfactor.removed`.',
  })
  @Permission('iam.policy.write')
  @ApiFactorTypeParam(SecondFactorType, 'SECOND_FACTOR_TYPE_OTP')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorRemoveErrors(INSTANCE_LEVEL, 'second'))
  async removeSecondFactor(
    @Input() request: RemoveSecondFactorFromLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.defaultPolicyOwner(), 'second', request.type, caller.userId, conditions));
  }

  @Operation(ADMIN, 'ListLoginPolicyMultiFactors', {
    rest: 'POST multi_factors/_search',
    direct: true,
    etag: factorListVersion,
    body: { required: false },
    summary: 'List the multi factors of the default login policy',
    description: 'Passwordless multi factors (passkeys) allowed by the instance default, in the order they were added.',
  })
  @Permission('iam.policy.read')
  @ApiOkResponse({ type: ListLoginPolicyMultiFactorsResponse })
  listMultiFactors(@Input() _request: ListLoginPolicyFactorsRequest): Promise<ListLoginPolicyMultiFactorsResponse> {
    return this.policies.factorLists(this.instance.defaultPolicyOwner(), toMultiFactorList);
  }

  @Operation(ADMIN, 'AddMultiFactorToLoginPolicy', {
    rest: 'POST multi_factors',
    direct: true,
    summary: 'Add a multi factor to the default login policy',
    description: 'Allows a passwordless multi factor. Event `instance.policy.login.multifactor.added`.',
  })
  @Permission('iam.policy.write')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorAddErrors(INSTANCE_LEVEL, 'multi'))
  async addMultiFactor(
    @Input() request: AddMultiFactorToLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.addFactor(this.instance.defaultPolicyOwner(), 'multi', request.type, caller.userId, conditions));
  }

  @Operation(ADMIN, 'RemoveMultiFactorFromLoginPolicy', {
    rest: 'DELETE multi_factors/:type',
    direct: true,
    summary: 'Remove a multi factor from the default login policy',
    description: 'Event `instance.policy.login.multifactor.removed`.',
  })
  @Permission('iam.policy.write')
  @ApiFactorTypeParam(MultiFactorType, 'MULTI_FACTOR_TYPE_U2F_WITH_VERIFICATION')
  @ApiOkResponse({ type: DetailsResponse })
  @ApiErrors(...factorRemoveErrors(INSTANCE_LEVEL, 'multi'))
  async removeMultiFactor(
    @Input() request: RemoveMultiFactorFromLoginPolicyRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<DetailsResponse> {
    return toDetailsResponse(await this.policies.removeFactor(this.instance.defaultPolicyOwner(), 'multi', request.type, caller.userId, conditions));
  }
}
