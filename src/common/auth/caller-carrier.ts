import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { AuthContext } from './auth-context.js';
import { ORG_HEADER } from './route-access.decorator.js';

interface HttpRequestWithCaller {
  headers: Record<string, string | string[] | undefined>;
  caller?: AuthContext;
  targetOrgId?: string;
}

/** Reads credentials from, and attaches the verified caller and target org to, the request of any door. */
export interface CallerCarrier {
  authorization(): string | undefined;
  orgHeader(): string | undefined;
  attach(caller: AuthContext, targetOrgId?: string): void;
  caller(): AuthContext | undefined;
  targetOrgId(): string | undefined;
}

export function callerCarrier(context: ExecutionContext): CallerCarrier {
  const request = context.switchToHttp().getRequest<HttpRequestWithCaller>();
  return {
    authorization: () => firstHeader(request.headers.authorization),
    orgHeader: () => firstHeader(request.headers[ORG_HEADER])?.trim() || undefined,
    attach: (caller, targetOrgId) => {
      request.caller = caller;
      request.targetOrgId = targetOrgId;
    },
    caller: () => request.caller,
    targetOrgId: () => request.targetOrgId,
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The verified caller of the current request; the guard has put it there. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const caller = callerCarrier(context).caller();
  if (!caller) throw new Error('no authenticated caller on this request: is the route @Public?');
  return caller;
});

/** The org an `@OrgPermission` route acts on, resolved and checked by the guard. */
export const TargetOrg = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const orgId = callerCarrier(context).targetOrgId();
  if (!orgId) throw new Error('no target org on this request: is the route @OrgPermission?');
  return orgId;
});
