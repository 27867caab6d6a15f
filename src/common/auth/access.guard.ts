import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../errors/domain-error.js';
import { badRequestDetail } from '../errors/error-detail.js';
import { ErrorKind } from '../errors/error-kind.js';
import { AuthContext } from './auth-context.js';
import { Authenticator } from './authenticator.service.js';
import { CallerCarrier, callerCarrier } from './caller-carrier.js';
import { ORG_HEADER, PERMISSION_KEY, PUBLIC_KEY, RequiredPermission } from './route-access.decorator.js';

export const PERMISSION_DENIED_ID = 'AUTH-5mWD2';
export const PERMISSION_DENIED_MESSAGE = 'No matching permissions found';

const permissionDenied = () => new DomainError(ErrorKind.PermissionDenied, PERMISSION_DENIED_ID, PERMISSION_DENIED_MESSAGE);

/**
 * The one global guard, in the order of SPEC §5: authenticate (401), then the permission on the
 * instance or in the target org (403). Whether that org exists (404) is answered by the core, in
 * the same statement that reads (or the transaction that changes) the org's data, so the answer
 * and the data cannot disagree. Deny by default: a handler without `@Permission`,
 * `@OrgPermission` or `@Public` (on itself or its class) is refused, and the omission is logged.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<RequiredPermission | undefined>(PERMISSION_KEY, targets);
    if (!required) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no permission; refused`);
      throw permissionDenied();
    }
    const carrier = callerCarrier(context);
    const caller = await this.authenticator.authenticate(carrier.authorization());
    if (required.scope === 'instance') {
      if (!caller.canOnInstance(required.permission)) throw permissionDenied();
      carrier.attach(caller);
      return true;
    }
    const orgId = this.targetOrg(carrier, caller);
    if (!caller.canInOrg(required.permission, orgId)) throw permissionDenied();
    carrier.attach(caller, orgId);
    return true;
  }

  private targetOrg(carrier: CallerCarrier, caller: AuthContext): string {
    const orgId = carrier.orgHeader() ?? caller.ownOrgId;
    if (orgId === undefined) {
      throw new DomainError(ErrorKind.InvalidArgument, undefined, `no organisation given: send the ${ORG_HEADER} header or use a token of a user in an org`, [
        badRequestDetail([{ field: ORG_HEADER, description: 'required when the token names no org of its own' }]),
      ]);
    }
    return orgId;
  }
}
