import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { AuthContext } from './auth-context.js';
import { ORG_HEADER } from './route-access.decorator.js';

interface Verified {
  caller: AuthContext;
  targetOrgId?: string;
}

/** gRPC metadata as grpc-js hands it to a handler, or the metadata of a bus request (BusMetadata). */
interface MetadataLike {
  get(key: string): (string | Buffer)[];
}

// what the guard established, per request object (HTTP request, or the call's metadata)
const verified = new WeakMap<object, Verified>();

/** Reads credentials from, and keeps the verified caller and target org for, the request of any door. */
export interface CallerCarrier {
  authorization(): string | undefined;
  orgHeader(): string | undefined;
  attach(caller: AuthContext, targetOrgId?: string): void;
  caller(): AuthContext | undefined;
  targetOrgId(): string | undefined;
}

export function callerCarrier(context: ExecutionContext): CallerCarrier {
  const { key, header } = requestOf(context);
  return {
    authorization: () => header('authorization'),
    orgHeader: () => header(ORG_HEADER)?.trim() || undefined,
    attach: (caller, targetOrgId) => verified.set(key, { caller, targetOrgId }),
    caller: () => verified.get(key)?.caller,
    targetOrgId: () => verified.get(key)?.targetOrgId,
  };
}

function requestOf(context: ExecutionContext): { key: object; header: (name: string) => string | undefined } {
  if (context.getType() === 'rpc') {
    const metadata = context.switchToRpc().getContext<MetadataLike>();
    return { key: metadata, header: (name) => firstText(metadata.get(name)) };
  }
  const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  return { key: request, header: (name) => firstText(request.headers[name]) };
}

function firstText(value: string | Buffer | (string | Buffer)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

/** The verified caller of the current request; the guard has put it there. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const caller = callerCarrier(context).caller();
  if (!caller) throw new Error('no authenticated caller on this request: is the route @Public?');
  return caller;
});

/** The org an `@OrgPermission` handler acts on, resolved and checked by the guard. */
export const TargetOrg = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const orgId = callerCarrier(context).targetOrgId();
  if (!orgId) throw new Error('no target org on this request: is the handler @OrgPermission?');
  return orgId;
});
