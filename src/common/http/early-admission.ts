import { INestApplication, Logger } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import { FastifyInstance } from 'fastify';
import { AccessPolicy, Admitted } from '../auth/access-policy.service.js';
import { accessDeclaration } from '../auth/access.guard.js';
import { queryMessage } from '../api/query-message.js';
import { attachToHttpRequest, credentialsFrom, httpAddress } from '../auth/caller-carrier.js';
import { requestedOwnerOf } from '../auth/request-context.js';
import { RequiredPermission } from '../auth/route-access.decorator.js';
import { answerHttpError } from '../errors/error.filter.js';
import { controllerHandlers } from './controller-handlers.js';
import { rawHeader } from './raw-header.js';
import { routeKeys } from './route-keys.js';

/**
 * Admits a request to a REST route that declares a permission in Fastify's `onRequest`, before
 * its body is read and parsed: SPEC §5 answers 401 and 403 before any 400 (or 413) about the body.
 * The verified caller is attached to the request, so the global guard does not admit it again.
 * Public routes (health, metrics, Swagger UI) and routes that are no controller's (gRPC-web,
 * which its own door admits) are left alone; a handler that declares nothing is still refused by
 * the guard.
 */
export class EarlyAdmission {
  private readonly logger = new Logger('EarlyAdmission');
  /** The permission of each route that declares one, by `METHOD /path` as Fastify routed it. */
  private readonly required = new Map<string, RequiredPermission>();
  private access?: AccessPolicy;

  /** Added after CORS and the request id hook, so that a refusal carries their headers. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const required = this.required.get(`${request.method} ${request.routeOptions.url}`);
      if (required === undefined) return done();
      const fail = (error: unknown) => answerHttpError(this.logger, error, request, reply);
      const admit = (admitted: Admitted) => {
        attachToHttpRequest(request, admitted);
        done();
      };
      let admitted: Admitted | Promise<Admitted>;
      try {
        const credentials = credentialsFrom(
          (name) => rawHeader(request.raw.rawHeaders, name),
          () => httpAddress(request.raw),
          () => requestedOwnerOf(queryMessage(request.query)),
        );
        admitted = (this.access as AccessPolicy).admit(required, credentials);
      } catch (error) {
        return fail(error);
      }
      if (admitted instanceof Promise) admitted.then(admit, fail);
      else admit(admitted);
    });
  }

  /** Reads the declared permission of every controller route of the initialised application. */
  collect(app: INestApplication): void {
    this.access = app.get(AccessPolicy);
    const reflector = app.get(Reflector);
    for (const { controller, handler } of controllerHandlers(app)) {
      // gRPC and bus handlers have no HTTP method
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const declared = accessDeclaration(reflector, handler, controller);
      if (declared === undefined || declared === 'public') continue;
      const keys = routeKeys(controller, handler);
      // a request's `ctx` is read before its body: only a GET can carry it (in its query)
      if (declared.scope === 'context' && keys.some((key) => !key.startsWith('GET '))) {
        throw new Error(`${controller.name}.${handler.name}: an operation whose permission follows its ctx must be a GET`);
      }
      for (const key of keys) this.required.set(key, declared);
    }
  }
}
