import { INestApplication, Logger, RequestMethod, SetMetadata, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccessPolicy, Admitted } from '../auth/access-policy.service.js';
import { accessDeclaration } from '../auth/access.guard.js';
import { callerOf, credentialsFrom, firstText, targetOrgOf } from '../auth/caller-carrier.js';
import { RequiredPermission } from '../auth/route-access.decorator.js';
import { answerHttpError } from '../errors/error.filter.js';
import { bodyObject, declaresRules } from '../validation/request-body.js';

const DIRECT_ROUTE_KEY = 'http:direct-route';
/** What Fastify sends with a JSON-serialized object. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Serves a read of the hot path without Nest's per-request machinery (execution context, guard
 * and pipe consumers, parameter factories, interceptors): the same access rule, body rule, handler
 * and error answer as through Nest. Most such requests do not even reach Fastify (see
 * direct-lane.ts); the others are answered from a Fastify hook. Only for handlers whose parameters
 * are `@TargetOrg()`, `@Caller()` and a `@Body()` of a class without rules; anything else stops
 * start-up. Global interceptors, if ever added, do not see these routes.
 */
export const DirectRoute = (): MethodDecorator => SetMetadata(DIRECT_ROUTE_KEY, true);

type Argument = { kind: 'body'; requestName: string } | { kind: 'caller' } | { kind: 'targetOrg' };

export interface ServedRoute {
  instance: object;
  handler: (...args: unknown[]) => unknown;
  required: RequiredPermission;
  args: Argument[];
  status: number;
}

/** One request to a direct route, whichever way it came in. */
export interface DirectExchange {
  header(name: string): string | undefined;
  readonly body: unknown;
  /** Sends `json` with `status`, as Fastify sends a JSON-serialized object. */
  answer(status: number, json: string): void;
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
  private readonly serialized = new WeakMap<object, string>();
  private access?: AccessPolicy;

  install(fastify: FastifyInstance): void {
    fastify.addHook('preHandler', (request, reply, done) => {
      const route = this.routes.size > 0 ? this.routes.get(`${request.method} ${request.routeOptions.url}`) : undefined;
      if (!route) return done();
      // answered here: Nest's handler for this route does not run
      this.serve(route, fastifyExchange(this.logger, request, reply));
    });
  }

  /** The route at `METHOD /path` (a path as Fastify declares it, or a request path without parameters). */
  route(key: string): ServedRoute | undefined {
    return this.routes.get(key);
  }

  /** Finds the `@DirectRoute()` handlers of the initialised application. */
  collect(app: INestApplication): void {
    this.access = app.get(AccessPolicy);
    const reflector = app.get(Reflector);
    const scanner = app.get(MetadataScanner);
    for (const wrapper of app.get(DiscoveryService).getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const controller = wrapper.metatype as Type;
      const prototype = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (!reflector.get<boolean>(DIRECT_ROUTE_KEY, handler)) continue;
        const where = `${controller.name}.${name}`;
        const required = accessDeclaration(reflector, handler, controller);
        if (!required || required === 'public') throw new Error(`${where}: a direct route must declare its permission`);
        const route: ServedRoute = { instance, handler, required, args: argumentsOf(controller, name, where), status: statusOf(handler) };
        for (const key of routeKeys(controller, handler)) this.routes.set(key, route);
      }
    }
    this.logger.debug(`served directly: ${[...this.routes.keys()].join(', ')}`);
  }

  serve(route: ServedRoute, exchange: DirectExchange): void {
    try {
      const admitted = (this.access as AccessPolicy).admit(route.required, credentialsFrom((name) => exchange.header(name)));
      if (admitted instanceof Promise) admitted.then((done) => this.invoke(route, done, exchange), (error: unknown) => exchange.fail(error));
      else this.invoke(route, admitted, exchange);
    } catch (error) {
      exchange.fail(error);
    }
  }

  private invoke(route: ServedRoute, admitted: Admitted, exchange: DirectExchange): void {
    try {
      const args = route.args.map((arg) => (arg.kind === 'body' ? bodyObject(exchange.body, arg.requestName) : arg.kind === 'caller' ? admitted.caller : admitted.targetOrgId));
      Promise.resolve(route.handler.apply(route.instance, args)).then(
        (result) => exchange.answer(route.status, this.json(result)),
        (error: unknown) => exchange.fail(error),
      );
    } catch (error) {
      exchange.fail(error);
    }
  }

  /**
   * The JSON text of a handler's result. A shared, frozen result (the read path's memos, see
   * read-memo.ts) is serialized once: its text is kept beside it.
   */
  private json(result: unknown): string {
    if (result === null || typeof result !== 'object' || !Object.isFrozen(result)) return JSON.stringify(result);
    let json = this.serialized.get(result);
    if (json === undefined) this.serialized.set(result, (json = JSON.stringify(result)));
    return json;
  }
}

function fastifyExchange(logger: Logger, request: FastifyRequest, reply: FastifyReply): DirectExchange {
  return {
    header: (name) => firstText(request.headers[name]),
    body: request.body,
    answer: (status, json) => void reply.code(status).type(JSON_CONTENT_TYPE).send(json),
    fail: (error) => answerHttpError(logger, error, request, reply),
  };
}

/** What each parameter of the handler is; start-up stops on one a direct route cannot fill. */
function argumentsOf(controller: Type, method: string, where: string): Argument[] {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, { index: number; factory?: unknown }>;
  const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as Type[];
  const args: Argument[] = [];
  for (const [key, { index, factory }] of Object.entries(metadata)) {
    if (key.startsWith(`${RouteParamtypes.BODY}:`)) {
      const type = types[index];
      if (!type || declaresRules(type)) throw new Error(`${where}: a direct route's body must be a class without rules`);
      args[index] = { kind: 'body', requestName: type.name };
    } else if (factory === callerOf) {
      args[index] = { kind: 'caller' };
    } else if (factory === targetOrgOf) {
      args[index] = { kind: 'targetOrg' };
    } else {
      throw new Error(`${where}: a direct route takes only @TargetOrg(), @Caller() and @Body() (found ${key})`);
    }
  }
  if (args.length !== types.length || args.includes(undefined as unknown as Argument)) throw new Error(`${where}: every parameter of a direct route needs a decorator`);
  return args;
}

function statusOf(handler: Function): number {
  const declared = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
  return declared ?? (Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200);
}

/** `METHOD /path` of each path the handler is routed at, as Fastify knows the route. */
function routeKeys(controller: Type, handler: Function): string[] {
  const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
  const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : [String(value ?? '')]);
  const keys: string[] = [];
  for (const base of list(Reflect.getMetadata(PATH_METADATA, controller))) {
    for (const path of list(Reflect.getMetadata(PATH_METADATA, handler))) {
      keys.push(`${method} /${[base, path].join('/').split('/').filter(Boolean).join('/')}`);
    }
  }
  return keys;
}
