import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { queryMessage } from './query-message.js';

/** What `@Input()` passes to the pipes as `data`, so the validation pipe knows the value is a request message. */
export const REQUEST_INPUT = 'request-input';

/** Fastify's request, as far as the input needs it. */
interface HttpRequestLike {
  method: string;
  body?: unknown;
  params?: Record<string, string>;
  query?: unknown;
}

/**
 * The request message of an operation, whichever door it came through: the gRPC or bus message,
 * or on REST the JSON body with the path parameters in it (`DELETE …/second_factors/{type}`
 * becomes `{"type": …}`, as ZITADEL's gateway maps a path onto the message); a GET, which has no
 * body, carries its message in the query string (`?ctx.orgId=1` → `{"ctx": {"orgId": "1"}}`, see
 * query-message.ts). A missing body counts as `{}`; a body that is not an object is left as it
 * is, for the validation pipe to refuse.
 */
export function inputOf(_data: unknown, context: ExecutionContext): unknown {
  if (context.getType() === 'rpc') return context.switchToRpc().getData();
  const request = context.switchToHttp().getRequest<HttpRequestLike>();
  return withPathParams(request.method === 'GET' ? queryMessage(request.query) : request.body, request.params);
}

/** A REST body with the path parameters in it; the path wins over a body field of the same name. */
export function withPathParams(body: unknown, params: Record<string, string | undefined> | undefined): unknown {
  if (params === undefined || Object.keys(params).length === 0) return body;
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) return body;
  return { ...(body as object | null | undefined), ...params };
}

/**
 * The operation's request message, validated against the parameter's class by the global
 * RequestValidationPipe (errors name the class, which is named after the protobuf message).
 */
export const Input = (): ParameterDecorator => createParamDecorator(inputOf)(REQUEST_INPUT);
