import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessPolicy, Admitted } from './access-policy.service.js';
import { permissionDenied } from './access-refusals.js';
import { assertBeforeDeadline } from '../grpc/deadline.js';
import { CallerCarrier, callerCarrier, rpcCall } from './caller-carrier.js';
import { PERMISSION_KEY, PUBLIC_KEY, RequiredPermission } from './route-access.decorator.js';

/** What a handler declares: `public`, the permission it requires, or nothing (refused). */
export type AccessDeclaration = RequiredPermission | 'public' | undefined;

/** Reads a handler's declaration (its own, or its class's). */
export function accessDeclaration(reflector: Reflector, handler: Function, controller: Function): AccessDeclaration {
  const targets = [handler, controller];
  return reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ? 'public' : reflector.getAllAndOverride<RequiredPermission | undefined>(PERMISSION_KEY, targets);
}

/**
 * The one global guard: applies the AccessPolicy to every handler of every door. Deny by
 * default: a handler without `@Permission`, `@OrgPermission` or `@Public` (on itself or its
 * class) is refused, and the omission is logged.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);
  /** Each handler's declaration, read once. */
  private readonly declared = new WeakMap<Function, AccessDeclaration>();

  constructor(
    private readonly reflector: Reflector,
    private readonly access: AccessPolicy,
  ) {}

  /** Synchronous when the token was verified before, so the hot path waits for nothing. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const required = this.declaration(context);
    if (required === 'public') return true;
    if (!required) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no permission; refused`);
      throw permissionDenied();
    }
    const carrier = callerCarrier(context);
    // admitted before its body was read (early-admission.ts), by the same declaration
    if (carrier.admitted() !== undefined) return true;
    // a gRPC or gRPC-web call whose caller stopped waiting starts no work
    const call = context.getType() === 'rpc' ? rpcCall(context) : undefined;
    assertBeforeDeadline(call);
    const admitted = this.access.admit(required, carrier.credentials());
    if (!(admitted instanceof Promise)) return attach(carrier, admitted);
    return admitted.then((done) => {
      assertBeforeDeadline(call);
      return attach(carrier, done);
    });
  }

  private declaration(context: ExecutionContext): AccessDeclaration {
    const handler = context.getHandler();
    if (!this.declared.has(handler)) this.declared.set(handler, accessDeclaration(this.reflector, handler, context.getClass()));
    return this.declared.get(handler);
  }
}

function attach(carrier: CallerCarrier, admitted: Admitted): true {
  carrier.attach(admitted);
  return true;
}
