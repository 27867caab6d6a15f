import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../errors/domain-error.js';
import { ErrorKind } from '../errors/error-kind.js';
import { Authenticator } from './authenticator.service.js';
import { callerCarrier } from './caller-carrier.js';
import { PERMISSION_KEY, PUBLIC_KEY, RequiredPermission } from './route-access.decorator.js';

export const PERMISSION_DENIED_ID = 'AUTH-5mWD2';
export const PERMISSION_DENIED_MESSAGE = 'No matching permissions found';

/**
 * The one global guard. Deny by default: a handler without `@Permission` or `@Public` (on itself
 * or its class) is refused, and the omission is logged as a programming error.
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
      throw new DomainError(ErrorKind.PermissionDenied, PERMISSION_DENIED_ID, PERMISSION_DENIED_MESSAGE);
    }
    const carrier = callerCarrier(context);
    const caller = await this.authenticator.authenticate(carrier.authorization());
    carrier.attach(caller);
    if (!caller.canOnInstance(required.permission)) {
      throw new DomainError(ErrorKind.PermissionDenied, PERMISSION_DENIED_ID, PERMISSION_DENIED_MESSAGE);
    }
    return true;
  }
}
