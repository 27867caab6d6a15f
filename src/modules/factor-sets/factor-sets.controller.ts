import { Controller } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Operation } from '../../common/api/operation.decorator.js';
import { Input } from '../../common/api/request-input.js';
import { Conditions, WriteConditions } from '../../common/api/write-conditions.js';
import { AuthContext } from '../../common/auth/auth-context.js';
import { Caller, TargetOrg } from '../../common/auth/caller-carrier.js';
import { OrgPermission, Permission } from '../../common/auth/route-access.decorator.js';
import { ApiErrors } from '../../common/errors/api-error-responses.decorator.js';
import { factorSetErrors } from '../login-policy/login-policy.api-errors.js';
import { InstanceService } from '../instance/instance.service.js';
import { CommandOptions, LoginPolicyService } from '../login-policy/login-policy.service.js';
import { SetLoginPolicyFactorsRequest, SetLoginPolicyFactorsResponse } from './dto/set-factors.dto.js';
import { toSetFactorsResponse, wantedFactors } from './factor-sets.mapper.js';

const FACTOR_SETS = 'FactorSetService';

const HOW =
  ' Applies exactly the difference in one transaction: one removed event per factor dropped, one added event per factor missing, nothing at all when the policy already has the set (200, empty difference).' +
  ' `If-Match` and `validateOnly` work as on every write. A set that would lock users out (forceMfa without any factor, passwordless without a multi factor) is refused with 400 FAILED_PRECONDITION unless `allowLockout` is true.';

/**
 * Our own extension (`loginpolicyfactors.v1.FactorSetService`, REST under `/ext/v1`): the whole
 * factor set of a policy in one declarative, idempotent call, for tools that reconcile a wanted
 * state (Terraform, GitOps) instead of adding and removing one factor at a time.
 */
@ApiTags('Extensions: declarative factor sets')
@Controller('ext/v1/policies/login')
export class FactorSetsController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @Operation(FACTOR_SETS, 'SetDefaultLoginPolicyFactors', {
    rest: 'PUT default/factors',
    direct: true,
    summary: "Set the instance default's factors",
    description: `Makes the default's second and multi factor lists exactly the given ones.${HOW} Refusals name how many orgs follow the default.`,
  })
  @Permission('iam.policy.write')
  @ApiOkResponse({ type: SetLoginPolicyFactorsResponse })
  @ApiErrors(...factorSetErrors())
  async setDefaultFactors(
    @Input() request: SetLoginPolicyFactorsRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<SetLoginPolicyFactorsResponse> {
    const change = await this.policies.setFactors(this.instance.defaultPolicyOwner(), wantedFactors(request), caller.userId, options(request, conditions));
    return toSetFactorsResponse(change);
  }

  @Operation(FACTOR_SETS, 'SetOrgLoginPolicyFactors', {
    rest: 'PUT org/factors',
    direct: true,
    summary: "Set an org's factors",
    description: `Makes the org's second and multi factor lists exactly the given ones; an org that follows the default gets a copy of it first (only when something changes).${HOW}`,
  })
  @OrgPermission('policy.write')
  @ApiOkResponse({ type: SetLoginPolicyFactorsResponse })
  @ApiErrors(...factorSetErrors())
  async setOrgFactors(
    @TargetOrg() orgId: string,
    @Input() request: SetLoginPolicyFactorsRequest,
    @Caller() caller: AuthContext,
    @Conditions() conditions: WriteConditions,
  ): Promise<SetLoginPolicyFactorsResponse> {
    const change = await this.policies.setFactors(this.instance.orgPolicyOwner(orgId), wantedFactors(request), caller.userId, options(request, conditions));
    return toSetFactorsResponse(change);
  }
}

/** The extension refuses lock-outs unless the request allows them. */
function options(request: SetLoginPolicyFactorsRequest, conditions: WriteConditions): CommandOptions {
  return { ...conditions, lockout: request.allowLockout === true ? 'allow' : 'refuse' };
}
