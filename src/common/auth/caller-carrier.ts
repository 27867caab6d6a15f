import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { HeaderValue, joinedHeader, rawHeader } from '../http/raw-header.js';
import { Admitted, Credentials } from './access-policy.service.js';
import { queryMessage } from '../api/query-message.js';
import { AuthContext } from './auth-context.js';
import { RequestedOwner, requestedOwnerOf } from './request-context.js';
import { ORG_HEADER } from './route-access.decorator.js';

/** gRPC metadata as grpc-js hands it to a handler, or the metadata of a bus request (BusMetadata). */
interface MetadataLike {
  get(key: string): (string | Buffer)[];
}

/** Fastify's request, around node's. */
interface HttpRequestLike {
  raw: { rawHeaders: string[]; socket: { remoteAddress?: string } };
  query?: unknown;
}

/** What a gRPC handler gets as its third argument (grpc-js's call; the gRPC-web door passes one of its own). */
export interface RpcCallLike {
  /** `address:port` */
  getPeer(): string;
  /** When the caller stops waiting (`grpc-timeout`), as a Date or epoch ms; Infinity when never. */
  getDeadline(): Date | number;
}

/** The address of a request that arrived on the bus, which has none: they share one rate-limit budget. */
export const BUS_ADDRESS = 'bus';

// what the guard established, per request object (HTTP request, or the call's metadata)
const admittedBy = new WeakMap<object, Admitted>();

/** Reads credentials from, and keeps who was admitted for, the request of any door. */
export interface CallerCarrier {
  credentials(): Credentials;
  attach(admitted: Admitted): void;
  /** Who was admitted already: an HTTP request is admitted before its body is read (early-admission.ts). */
  admitted(): Admitted | undefined;
}

export function callerCarrier(context: ExecutionContext): CallerCarrier {
  const key = requestKey(context);
  const rpc = isRpc(context);
  const header = rpc ? (name: string) => metadataValue((key as MetadataLike).get(name)) : (name: string) => rawHeader((key as HttpRequestLike).raw.rawHeaders, name);
  const address = rpc ? () => rpcAddress(rpcCall(context)) : () => httpAddress((key as HttpRequestLike).raw);
  const requested = rpc
    ? () => requestedOwnerOf(context.switchToRpc().getData())
    : () => requestedOwnerOf(queryMessage((key as HttpRequestLike).query));
  return {
    credentials: () => credentialsFrom(header, address, requested),
    attach: (admitted) => admittedBy.set(key, admitted),
    admitted: () => admittedBy.get(key),
  };
}

/** Keeps who was admitted for an HTTP request (Fastify's request object) before Nest sees it. */
export function attachToHttpRequest(request: HttpRequestLike, admitted: Admitted): void {
  admittedBy.set(request, admitted);
}

/** Who was admitted for an HTTP request, if anyone was yet. */
export function admittedToHttpRequest(request: HttpRequestLike): Admitted | undefined {
  return admittedBy.get(request);
}

/**
 * The credentials among a request's headers (HTTP headers, gRPC metadata or bus metadata), read
 * with every value of a repeated name: a repeated `authorization` is refused by authentication; a
 * repeated org header is joined, as node joins it on HTTP, and so names no org.
 */
export function credentialsFrom(header: (name: string) => HeaderValue, address: () => string, requestedOwner?: () => RequestedOwner): Credentials {
  return { authorization: header('authorization'), orgHeader: joinedHeader(header(ORG_HEADER))?.trim() || undefined, address, requestedOwner };
}

/** The client address of an HTTP request (node's request or socket). */
export function httpAddress(request: { socket: { remoteAddress?: string } }): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/** The call of a gRPC (or gRPC-web) handler; undefined on the bus. */
export function rpcCall(context: ExecutionContext): RpcCallLike | undefined {
  const call = context.getArgByIndex<Partial<RpcCallLike> | undefined>(2);
  return typeof call?.getPeer === 'function' && typeof call.getDeadline === 'function' ? (call as RpcCallLike) : undefined;
}

/** The client address of a gRPC call (its peer without the port), or BUS_ADDRESS for a bus request. */
function rpcAddress(call: RpcCallLike | undefined): string {
  if (call === undefined) return BUS_ADDRESS;
  const peer = call.getPeer();
  return peer.replace(/:\d+$/, '') || peer;
}

const isRpc = (context: ExecutionContext) => context.getType() === 'rpc';

/** The object a request's verified caller is kept under: the HTTP request, or the call's metadata. */
function requestKey(context: ExecutionContext): object {
  return isRpc(context) ? context.switchToRpc().getContext<MetadataLike>() : context.switchToHttp().getRequest<HttpRequestLike>();
}

/** The values of a metadata key as a header value: one text, or every text when the key came more than once. */
export function metadataValue(values: (string | Buffer)[]): HeaderValue {
  if (values.length <= 1) return values.length === 0 ? undefined : String(values[0]);
  return values.map(String);
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

/** Whose policy a `@ContextPermission` operation reads: the instance's, or one org's. */
export type PolicyTarget = { level: 'instance' } | { level: 'org'; orgId: string };

const INSTANCE_TARGET: PolicyTarget = Object.freeze({ level: 'instance' });

/** The value of `@ContextTarget()`: where the guard admitted the caller (the instance, or an org). */
export function targetOf(_data: unknown, context: ExecutionContext): PolicyTarget {
  return targetOfAdmitted(admittedBy.get(requestKey(context)));
}

export function targetOfAdmitted(admitted: Admitted | undefined): PolicyTarget {
  if (admitted?.onInstance) return INSTANCE_TARGET;
  if (!admitted?.targetOrgId) throw new Error('no target on this request: is the handler @ContextPermission?');
  return { level: 'org', orgId: admitted.targetOrgId };
}

/** The verified caller of the current request; the guard has put it there. */
export const Caller = createParamDecorator(callerOf);

/** The org an `@OrgPermission` handler acts on, resolved and checked by the guard. */
export const TargetOrg = createParamDecorator(targetOrgOf);

/** The instance or org a `@ContextPermission` handler reads, resolved and checked by the guard. */
export const ContextTarget = createParamDecorator(targetOf);
