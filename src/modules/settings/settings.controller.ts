import { Controller } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Operation } from '../../common/api/operation.decorator.js';
import { Input } from '../../common/api/request-input.js';
import { ContextTarget, PolicyTarget } from '../../common/auth/caller-carrier.js';
import { ContextPermission } from '../../common/auth/route-access.decorator.js';
import { InstanceService } from '../instance/instance.service.js';
import { LoginPolicyService } from '../login-policy/login-policy.service.js';
import { GetLoginSettingsRequest, GetLoginSettingsResponse } from './dto/login-settings.dto.js';
import { settingsVersion, toGetLoginSettingsResponse } from './login-settings.mapper.js';

/**
 * ZITADEL's `zitadel.settings.v2.SettingsService` on every door, as far as this service serves it:
 * GetLoginSettings, the read ZITADEL's login UI makes on every login. Its other methods answer
 * UNIMPLEMENTED (gRPC, gRPC-web) or 404 (their REST paths).
 */
@ApiTags('Settings API v2: login settings')
@Controller('v2/settings')
export class SettingsController {
  constructor(
    private readonly policies: LoginPolicyService,
    private readonly instance: InstanceService,
  ) {}

  @Operation('SettingsService', 'GetLoginSettings', {
    rest: 'GET login',
    direct: true,
    etag: settingsVersion,
    summary: 'Get the login settings that apply',
    description:
      "The org's effective login policy (its custom policy, or the instance default it follows) as ZITADEL's v2 LoginSettings, with `resourceOwnerType` ORG or INSTANCE; with `ctx.instance=true` the instance default. The same read as GetLoginPolicy of the Management and Admin APIs.",
  })
  @ContextPermission('policy.read', 'iam.policy.read')
  @ApiQuery({ name: 'ctx.orgId', required: false, type: String, description: 'The org whose settings to read (`policy.read` in that org).' })
  @ApiQuery({ name: 'ctx.instance', required: false, type: Boolean, description: 'Read the instance default (`iam.policy.read`); not together with `ctx.orgId`.' })
  @ApiOkResponse({ type: GetLoginSettingsResponse })
  getLoginSettings(@ContextTarget() target: PolicyTarget, @Input() _request: GetLoginSettingsRequest): Promise<GetLoginSettingsResponse> {
    const owner = target.level === 'instance' ? this.instance.defaultPolicyOwner() : this.instance.orgPolicyOwner(target.orgId);
    return this.policies.getPolicy(owner, toGetLoginSettingsResponse);
  }
}
