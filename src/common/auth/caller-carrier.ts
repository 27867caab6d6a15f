import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { Admitted, Credentials } from './access-policy.service.js';
import { AuthContext } from './auth-context.js';
import { ORG_HEADER } from './route-access.decorator.js';

/** gRPC metadata as grpc-js hands it to a handler, or the metadata of a bus request (BusMetadata). */
interface MetadataLike {
  get(key: string): (string | Buffer)[];
}

interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
}

// what the guard established, per request object (HTTP request, or the call's metadata)
const admittedBy = new WeakMap<object, Admitted>();

/** Reads credentials from, and keeps who was admitted for, the request of any door. */
export interface CallerCarrier {
  credentials(): Credentials;
  attach(admitted: Admitted): void;
}

export function callerCarrier(context: ExecutionContext): CallerCarrier {
  const key = requestKey(context);
  const header = isRpc(context) ? (name: string) => firstText((key as MetadataLike).get(name)) : (name: string) => firstText((key as HttpRequestLike).headers[name]);
  return {
    credentials: () => credentialsFrom(header),
    attach: (admitted) => admittedBy.set(key, admitted),
  };
}

/** The credentials among a request's headers (HTTP headers, gRPC metadata or bus metadata). */
export function credentialsFrom(header: (name: string) => string | undefined): Credentials {
  return { authorization: header('authorization'), orgHeader: header(ORG_HEADER)?.trim() || undefined };
}

const isRpc = (context: ExecutionContext) => context.getType() === 'rpc';

/** The object a request's verified caller is kept under: the HTTP request, or the call's metadata. */
function requestKey(context: ExecutionContext): object {
  return isRpc(context) ? context.switchToRpc().getContext<MetadataLike>() : context.switchToHttp().getRequest<HttpRequestLike>();
}

export function firstText(value: string | Buffer | (string | Buffer)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : String(first);
}

/** The value of `@Caller()`: the verified caller the guard admitted. */
export function callerOf(_data: unknown, context: ExecutionContext): AuthContext {
  const caller = admittedBy.get(requestKey(context))?.caller;
  if (!caller) throw new Error('no authenticated caller on this request: is the route @Public?');
  return caller;
}

/** The value of `@TargetOrg()`: the org the guard admitted the caller into. */
export function targetOrgOf(_data: unknown, context: ExecutionContext): string {
  const orgId = admittedBy.get(requestKey(context))?.targetOrgId;
  if (!orgId) throw new Error('no target org on this request: is the handler @OrgPermission?');
  return orgId;
}

/** The verified caller of the current request; the guard has put it there. */
export const Caller = createParamDecorator(callerOf);

/** The org an `@OrgPermission` handler acts on, resolved and checked by the guard. */
export const TargetOrg = createParamDecorator(targetOrgOf);
