import { HttpCode, RequestMapping, RequestMethod, applyDecorators } from '@nestjs/common';
import { CUSTOM_ROUTE_ARGS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ApiBody, ApiBodyOptions, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiService } from '../bus/bus-names.js';
import { RpcMethod } from '../bus/rpc-method.decorator.js';
import { AnswersWithETag, DirectRoute, EntityTagOf } from '../http/direct-routes.js';
import { inputOf } from './request-input.js';
import { ApiWriteConditions, conditionsOf } from './write-conditions.js';

/** Named request examples, as OpenAPI writes them. */
type BodyExamples = Record<string, { summary?: string; value: unknown }>;

type RestMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** `METHOD path`, or just `METHOD` for the controller's own path. */
type RestRoute = RestMethod | `${RestMethod} ${string}`;

/** Everything about one operation but its permission, its answers and its handler's body. */
export interface OperationDeclaration {
  /**
   * The REST route, `METHOD path` under the controller's prefix (the path ZITADEL's gateway maps
   * the RPC to); more than one when the operation has aliases, the first being the documented one.
   */
  rest: RestRoute | [RestRoute, ...RestRoute[]];
  summary: string;
  description: string;
  /** Served on the HTTP hot path without Nest's per-request machinery (direct-routes.ts). */
  direct?: boolean;
  /** A read: the version of its answer, sent as `ETag` over REST (direct routes only). */
  etag?: EntityTagOf;
  /** How Swagger shows the request body of a POST or PUT (its type is the `@Input()` parameter's). */
  body?: { required?: boolean; examples?: BodyExamples };
}

/** Where Swagger keeps the parameters declared with `@ApiParam` (the package does not export its constant). */
const API_PARAMETERS_METADATA = 'swagger/apiParameters';

/**
 * Declares an operation once for every door: the gRPC method and the bus request
 * `<package>.<service>.<method>` (RpcMethod), the REST route (POST answers 200, as ZITADEL's
 * gateway does), and its Swagger operation (`<service>_<method>`, the body typed by the handler's
 * `@Input()` parameter, a string for each path parameter not documented otherwise). The handler
 * reads its request with `@Input()`, so the message is the same whichever door it came through.
 */
export function Operation(service: ApiService, method: string, declaration: OperationDeclaration): MethodDecorator {
  const [first, ...aliases] = Array.isArray(declaration.rest) ? declaration.rest : [declaration.rest];
  const [verb, path] = splitRoute(first);
  const paths = [path, ...aliases.map((alias) => aliasPath(alias, verb))];
  return applyDecorators(
    RpcMethod(service, method),
    RequestMapping({ method: RequestMethod[verb], path: paths.length === 1 ? paths[0] : paths }),
    ...(verb === 'POST' ? [HttpCode(200)] : []),
    ...(declaration.direct ? [DirectRoute()] : []),
    ...(declaration.etag ? [AnswersWithETag(declaration.etag), documentedETag] : []),
    ApiOperation({ operationId: `${service}_${method}`, summary: declaration.summary, description: declaration.description }),
    documentedInput(verb, path, declaration.body),
  );
}

function splitRoute(route: RestRoute): [RestMethod, string] {
  const space = route.indexOf(' ');
  return space < 0 ? [route as RestMethod, ''] : [route.slice(0, space) as RestMethod, route.slice(space + 1)];
}

function aliasPath(alias: RestRoute, verb: RestMethod): string {
  const [aliasVerb, path] = splitRoute(alias);
  if (aliasVerb !== verb) throw new Error(`the alias ${alias} must use ${verb}, as the operation's route does`);
  return path;
}

/** Where Swagger keeps the answers declared with `@ApiResponse` and its kin. */
const API_RESPONSE_METADATA = 'swagger/apiResponse';

/** Swagger: the `ETag` header of the 200 answer (declared below the operation, with its type). */
const documentedETag: MethodDecorator = (_target, _key, descriptor) => {
  const responses = (Reflect.getMetadata(API_RESPONSE_METADATA, descriptor.value as object) ?? {}) as Record<string, Record<string, unknown>>;
  const etag = { description: 'The version read, `"<sequence>"`: send it back as `If-Match` to write only if nothing changed since.', schema: { type: 'string' } };
  Reflect.defineMetadata(API_RESPONSE_METADATA, { ...responses, 200: { ...responses['200'], headers: { ETag: etag } } }, descriptor.value as object);
};

/** Swagger's view of the parameters: the `@Input()` as a body on POST and PUT, the path's parameters, the write conditions. */
function documentedInput(verb: RestMethod, path: string, body: OperationDeclaration['body']): MethodDecorator {
  return (target, key, descriptor) => {
    if (argumentOf(target, key, (arg) => arg.factory === conditionsOf) !== undefined) ApiWriteConditions()(target, key, descriptor);
    const inputType = inputTypeOf(target, key);
    if ((verb === 'POST' || verb === 'PUT') && inputType !== undefined) ApiBody({ ...body, type: inputType } as ApiBodyOptions)(target, key, descriptor);
    const documented = ((Reflect.getMetadata(API_PARAMETERS_METADATA, descriptor.value as object) ?? []) as { name?: string }[]).map((parameter) => parameter.name);
    for (const segment of path.split('/')) {
      const name = segment.startsWith(':') ? segment.slice(1) : undefined;
      if (name !== undefined && !documented.includes(name)) ApiParam({ name, type: String, required: true })(target, key, descriptor);
    }
  };
}

interface ArgumentMetadata {
  index: number;
  data?: unknown;
  factory?: unknown;
}

/** The handler's custom parameter that `matches`, if it has one. */
function argumentOf(target: object, key: string | symbol, matches: (arg: ArgumentMetadata) => boolean): ArgumentMetadata | undefined {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {}) as Record<string, ArgumentMetadata>;
  return Object.entries(args).find(([argKey, arg]) => argKey.includes(CUSTOM_ROUTE_ARGS_METADATA) && matches(arg))?.[1];
}

/** The class of the handler's `@Input()` parameter, if it has one. */
function inputTypeOf(target: object, key: string | symbol): Function | undefined {
  const input = argumentOf(target, key, (arg) => arg.factory === inputOf);
  if (input === undefined) return undefined;
  return ((Reflect.getMetadata('design:paramtypes', target, key) ?? []) as Function[])[input.index];
}
