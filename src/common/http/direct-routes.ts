import { INestApplication, Logger, RequestMethod, SetMetadata, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccessPolicy, Admitted } from '../auth/access-policy.service.js';
import { queryMessage } from '../api/query-message.js';
import { REQUEST_INPUT, inputOf, withPathParams } from '../api/request-input.js';
import { conditionsOf, writeConditions } from '../api/write-conditions.js';
import { accessDeclaration } from '../auth/access.guard.js';
import { admittedToHttpRequest, callerOf, credentialsFrom, httpAddress, targetOf, targetOfAdmitted, targetOrgOf } from '../auth/caller-carrier.js';
import { requestedOwnerOf } from '../auth/request-context.js';
import { RequiredPermission } from '../auth/route-access.decorator.js';
import { answerHttpError } from '../errors/error.filter.js';
import { bodyObject, declaresRules } from '../validation/request-body.js';
import { RequestValidationPipe } from '../validation/request-validation.pipe.js';
import { ValidatedBodyMemo } from '../validation/validated-body-memo.js';
import { entityTagOf, jsonTextOf } from '../memo/read-memo.js';
import { controllerHandlers } from './controller-handlers.js';
import { HeaderValue, rawHeader } from './raw-header.js';
import { OperationSeries, RequestMetrics } from '../metrics/request-metrics.js';
import { restOperationOf } from './rest-call-telemetry.js';
import { routeKeys } from './route-keys.js';

const DIRECT_ROUTE_KEY = 'http:direct-route';
const ETAG_KEY = 'http:etag';
/** What Fastify sends with a JSON-serialized object. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Serves a route of the hot path (the reads, and the factor changes that come in bursts) without
 * Nest's per-request machinery (execution context, guard and pipe consumers, parameter
 * factories, interceptors): the same access rule, validation, handler and error answer as
 * through Nest, in the same order (access, then the request message's rules). Most such
 * requests do not even reach Fastify (see direct-lane.ts); the others are answered from a Fastify
 * hook. Only for handlers whose parameters are `@TargetOrg()`, `@ContextTarget()`, `@Caller()`,
 * `@Conditions()` and `@Input()` (checked by the global RequestValidationPipe, as through Nest; a
 * GET's input is its query string, query-message.ts); anything else stops start-up. Global
 * interceptors, if ever added, do not see these routes.
 */
export const DirectRoute = (): MethodDecorator => SetMetadata(DIRECT_ROUTE_KEY, true);

/** The version of a read's answer, sent as `ETag: "<version>"` (a write's `If-Match` names it). */
export type EntityTagOf = (result: never) => string;

/** A direct route answers with an `ETag` made from its result. */
export const AnswersWithETag = (tag: EntityTagOf): MethodDecorator => SetMetadata(ETAG_KEY, tag);

type Argument =
  /** `query`: the message is the query string (a GET), not the body */
  | { kind: 'input'; metatype: Type; validated: boolean; pathParams: string[]; query: boolean }
  | { kind: 'caller' }
  | { kind: 'targetOrg' }
  | { kind: 'target' }
  | { kind: 'conditions' };

/** A route with path parameters, as its path's segments (`:name` for a parameter). */
interface ParameterisedRoute {
  method: string;
  segments: string[];
  route: ServedRoute;
}

export interface ServedRoute {
  /** The operation the route serves (`AdminService/ListOrgs`), and its per-call metrics on the direct lane. */
  operation: string | undefined;
  series: OperationSeries | undefined;
  instance: object;
  handler: (...args: unknown[]) => unknown;
  required: RequiredPermission;
  args: Argument[];
  status: number;
  etag: ((result: unknown) => string) | undefined;
  /** A GET whose request message is its query string: the lane takes it with a query. */
  readsQuery: boolean;
}

/** One request to a direct route, whichever way it came in. */
export interface DirectExchange {
  /** A request header; every value when the request repeats it. */
  header(name: string): HeaderValue;
  /** The client's address. */
  address(): string;
  readonly body: unknown;
  /** The body's text as it came, when the exchange read it itself (the lane does; Fastify parses its own). */
  readonly bodyText?: string;
  /** The query string's values by name (a repeated name: every value); undefined without a query. */
  query(): unknown;
  /** The query string as it came, after `?`; undefined without one. */
  readonly queryText?: string;
  /** A path parameter, decoded. */
  param(name: string): string | undefined;
  /** Sends `json` with `status` (and the `ETag` header when given), as Fastify sends a JSON-serialized object. */
  answer(status: number, json: string, etag?: string): void;
  /** Answers a failure in the one error shape. */
  fail(error: unknown): void;
}

/**
 * The routes served directly, by `METHOD /path`. The Fastify hook is added before Nest registers
 * its routes; the table is filled once the application is initialised.
 */
export class DirectRoutes {
  readonly logger = new Logger('DirectRoutes');
  private readonly routes = new Map<string, ServedRoute>();
  private readonly parameterised: ParameterisedRoute[] = [];
  private readonly validatedBodies = new ValidatedBodyMemo();
  private access?: AccessPolicy;

  constructor(private readonly metrics: RequestMetrics) {}

  install(fastify: FastifyInstance): void {
    fastify.addHook('preHandler', (request, reply, done) => {
      const route = this.routes.size > 0 ? this.routes.get(`${request.method} ${request.routeOptions.url}`) : undefined;
      if (!route) return done();
      // answered here: Nest's handler for this route does not run
      const exchange = fastifyExchange(this.logger, request, reply);
      // admitted in onRequest, before the body was read (early-admission.ts)
      const admitted = admittedToHttpRequest(request);
      if (admitted !== undefined) this.invoke(route, admitted, exchange);
      else this.serve(route, exchange);
    });
  }

  /**
   * The route a request path names, and its path parameters as they stand in the path (the
   * caller decodes them). Undefined when no direct route has that path.
   */
  match(method: string, path: string): { route: ServedRoute; params?: Record<string, string> } | undefined {
    const route = this.routes.get(`${method} ${path}`);
    if (route !== undefined) return { route };
    if (this.parameterised.length === 0) return undefined;
    const segments = path.split('/');
    for (const candidate of this.parameterised) {
      if (candidate.method !== method || candidate.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const matches = candidate.segments.every((segment, i) => {
        if (!segment.startsWith(':')) return segment === segments[i];
        params[segment.slice(1)] = segments[i];
        return segments[i] !== '';
      });
      if (matches) return { route: candidate.route, params };
    }
    return undefined;
  }

  /** Finds the `@DirectRoute()` handlers of the initialised application. */
  collect(app: INestApplication): void {
    this.access = app.get(AccessPolicy);
    const reflector = app.get(Reflector);
    for (const { controller, instance, name, handler } of controllerHandlers(app)) {
      const where = `${controller.name}.${name}`;
      if (!reflector.get<boolean>(DIRECT_ROUTE_KEY, handler)) {
        if (reflector.get(ETAG_KEY, handler) !== undefined) throw new Error(`${where}: only a direct route answers with an ETag`);
        continue;
      }
      const required = accessDeclaration(reflector, handler, controller);
      if (!required || required === 'public') throw new Error(`${where}: a direct route must declare its permission`);
      const keys = routeKeys(controller, handler);
      const isGet = keys[0]?.startsWith('GET ') ?? false;
      const args = argumentsOf(controller, name, where, pathParamsOf(keys[0]), isGet);
      const operation = restOperationOf(handler);
      const series = operation === undefined ? undefined : this.metrics.series(operation, 'rest');
      const etag = reflector.get<ServedRoute['etag']>(ETAG_KEY, handler);
      const readsQuery = args.some((arg) => arg.kind === 'input' && arg.query);
      const route: ServedRoute = { operation, series, instance, handler, required, args, status: statusOf(handler), etag, readsQuery };
      for (const key of keys) {
        this.routes.set(key, route);
        const [method, path] = key.split(' ');
        if (path.includes('/:')) this.parameterised.push({ method, segments: path.split('/'), route });
      }
    }
    this.logger.debug(`served directly: ${[...this.routes.keys()].join(', ')}`);
  }

  /** Admits, then invokes: for an exchange whose body, if any, is already read. */
  serve(route: ServedRoute, exchange: DirectExchange): void {
    try {
      const admitted = this.admit(route, exchange);
      if (admitted instanceof Promise) admitted.then((done) => this.invoke(route, done, exchange), (error: unknown) => exchange.fail(error));
      else this.invoke(route, admitted, exchange);
    } catch (error) {
      exchange.fail(error);
    }
  }

  /**
   * The access rule of SPEC §5 (401, then 403) from the request's headers alone, so that it can be
   * decided before the body is read. Synchronous when the token was verified before; throws the refusal.
   */
  admit(route: ServedRoute, exchange: Pick<DirectExchange, 'header' | 'address' | 'query'>): Admitted | Promise<Admitted> {
    const credentials = credentialsFrom(
      (name) => exchange.header(name),
      () => exchange.address(),
      // a v2 call's `ctx` is in its query: known before any body
      () => requestedOwnerOf(queryMessage(exchange.query())),
    );
    return (this.access as AccessPolicy).admit(route.required, credentials);
  }

  /** Runs the handler for a caller `admit` let in; the body, if any, must be read by now. */
  invoke(route: ServedRoute, admitted: Admitted, exchange: DirectExchange): void {
    try {
      const args = this.argumentsAtOnce(route, admitted, exchange);
      if (args !== undefined) {
        this.run(route, args, exchange);
        return;
      }
      Promise.all(route.args.map((arg) => this.argument(arg, admitted, exchange))).then(
        (args) => this.run(route, args, exchange),
        (error: unknown) => exchange.fail(error),
      );
    } catch (error) {
      exchange.fail(error);
    }
  }

  private run(route: ServedRoute, args: unknown[], exchange: DirectExchange): void {
    let result: unknown;
    try {
      result = route.handler.apply(route.instance, args);
    } catch (error) {
      // a handler that is not async may throw before it returns its promise
      exchange.fail(error);
      return;
    }
    Promise.resolve(result).then(
      (result) => exchange.answer(route.status, this.json(result), route.etag === undefined ? undefined : entityTagOf(result, route.etag)),
      (error: unknown) => exchange.fail(error),
    );
  }

  /**
   * The arguments when none has to wait: the caller, the target org, and an input that needs no
   * validation or whose text was validated before (ValidatedBodyMemo). Undefined when the input
   * has to go through the validation pipe.
   */
  private argumentsAtOnce(route: ServedRoute, admitted: Admitted, exchange: DirectExchange): unknown[] | undefined {
    const args: unknown[] = [];
    for (const arg of route.args) {
      if (arg.kind === 'input' && arg.validated) {
        const known = this.validatedBodies.get(arg.metatype, inputText(arg, exchange));
        if (known === undefined) return undefined;
        args.push(known);
      } else {
        args.push(this.immediateArgument(arg, admitted, exchange));
      }
    }
    return args;
  }

  private immediateArgument(arg: Argument, admitted: Admitted, exchange: DirectExchange): unknown {
    switch (arg.kind) {
      case 'caller':
        return admitted.caller;
      case 'targetOrg':
        return admitted.targetOrgId;
      case 'target':
        return targetOfAdmitted(admitted);
      case 'conditions':
        return writeConditions({ rpc: false, header: (name) => exchange.header(name), query: (name) => queryValue(exchange.query(), name) });
      case 'input':
        return bodyObject(inputValue(arg, exchange), arg.metatype.name);
    }
  }

  /** An argument as Nest would pass it: the input through the global validation pipe. */
  private async argument(arg: Argument, admitted: Admitted, exchange: DirectExchange): Promise<unknown> {
    if (arg.kind === 'input' && arg.validated) {
      const text = inputText(arg, exchange);
      const known = this.validatedBodies.get(arg.metatype, text);
      if (known !== undefined) return known;
      const validated = await VALIDATION.transform(inputValue(arg, exchange), { type: 'custom', metatype: arg.metatype, data: REQUEST_INPUT });
      return this.validatedBodies.keep(arg.metatype, text, validated);
    }
    return this.immediateArgument(arg, admitted, exchange);
  }

  /** The JSON text of a handler's result: a shared answer of the read path carries its own (read-memo.ts). */
  private json(result: unknown): string {
    return jsonTextOf(result) ?? JSON.stringify(result);
  }
}

/** The pipe Nest applies to every body (APP_PIPE): the same class, so the same rules and errors. */
const VALIDATION = new RequestValidationPipe();

function fastifyExchange(logger: Logger, request: FastifyRequest, reply: FastifyReply): DirectExchange {
  return {
    header: (name) => rawHeader(request.raw.rawHeaders, name),
    address: () => httpAddress(request.raw),
    body: request.body,
    query: () => request.query,
    queryText: queryTextOf(request.url),
    param: (name) => (request.params as Record<string, string> | undefined)?.[name],
    answer: (status, json, etag) => {
      if (etag !== undefined) void reply.header('etag', etag);
      void reply.code(status).type(JSON_CONTENT_TYPE).send(json);
    },
    fail: (error) => answerHttpError(logger, error, request, reply),
  };
}

/** What each parameter of the handler is; start-up stops on one a direct route cannot fill. */
function argumentsOf(controller: Type, method: string, where: string, pathParams: string[], isGet: boolean): Argument[] {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number; factory?: unknown; pipes?: unknown[] }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as Type[];
  const args: Argument[] = [];
  for (const [key, { index, factory, pipes = [] }] of Object.entries(metadata)) {
    if (pipes.length > 0) throw new Error(`${where}: a direct route's parameters take no pipes of their own`);
    if (factory === inputOf) {
      const type = types[index];
      if (!type || type === Object) throw new Error(`${where}: a direct route's @Input() must be typed with its request class`);
      args[index] = { kind: 'input', metatype: type, validated: declaresRules(type), pathParams, query: isGet };
    } else if (factory === callerOf) {
      args[index] = { kind: 'caller' };
    } else if (factory === targetOrgOf) {
      args[index] = { kind: 'targetOrg' };
    } else if (factory === targetOf) {
      args[index] = { kind: 'target' };
    } else if (factory === conditionsOf) {
      args[index] = { kind: 'conditions' };
    } else {
      throw new Error(`${where}: a direct route takes only @TargetOrg(), @ContextTarget(), @Caller(), @Conditions() and @Input() (found ${key})`);
    }
  }
  if (args.length !== types.length || args.includes(undefined as unknown as Argument)) throw new Error(`${where}: every parameter of a direct route needs a decorator`);
  return args;
}

/** The names of a route's path parameters (`DELETE /a/:type` → `type`). */
function pathParamsOf(key: string | undefined): string[] {
  return (key ?? '').split('/').filter((segment) => segment.startsWith(':')).map((segment) => segment.slice(1));
}

/** The request message of an exchange: its body (a GET: its query), with the path parameters in it (request-input.ts). */
function inputValue(arg: Extract<Argument, { kind: 'input' }>, exchange: DirectExchange): unknown {
  const message = arg.query ? queryMessage(exchange.query()) : exchange.body;
  if (arg.pathParams.length === 0) return message;
  return withPathParams(message, Object.fromEntries(arg.pathParams.map((name) => [name, exchange.param(name)])));
}

/**
 * The text an input is known by in the memo of validated bodies: the body's text, and the path
 * parameters' values when the route has any. Undefined when the body's text is not known (a body
 * Fastify parsed), so the input is validated.
 */
function inputText(arg: Extract<Argument, { kind: 'input' }>, exchange: DirectExchange): string | undefined {
  // a GET's message is its query: the same text, the same message
  if (arg.query) return [`?${exchange.queryText ?? ''}`, ...arg.pathParams.map((name) => exchange.param(name))].join('\u0000');
  if (arg.pathParams.length === 0) return exchange.bodyText;
  const body = exchange.bodyText ?? (exchange.body === undefined ? '' : undefined);
  return body === undefined ? undefined : [body, ...arg.pathParams.map((name) => exchange.param(name))].join('\u0000');
}

/** One query parameter's value (every value when repeated), from the values `query()` gives. */
function queryValue(values: unknown, name: string): string | string[] | undefined {
  if (values === null || typeof values !== 'object' || !Object.hasOwn(values, name)) return undefined;
  const value = (values as Record<string, unknown>)[name];
  return typeof value === 'string' || Array.isArray(value) ? (value as string | string[]) : undefined;
}

/** The query string of a request URL (after `?`), undefined without one. */
function queryTextOf(url: string): string | undefined {
  const mark = url.indexOf('?');
  return mark < 0 ? undefined : url.slice(mark + 1);
}

function statusOf(handler: Function): number {
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
  return declared ?? (Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200);
}
