import 'reflect-metadata';
import assert from 'node:assert/strict';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { after, before, describe, it } from 'node:test';
import { PERMISSION_KEY, PUBLIC_KEY } from '../../src/common/auth/route-access.decorator.js';
import { freePort } from '../support/processes.js';
import { TestApp } from '../support/test-app.js';

describe('deny by default', () => {
  let app: TestApp;
  before(async () => {
    app = await TestApp.start({ env: { GRPC_PORT: String(await freePort()) } });
  });
  after(() => app.close());

  it('every route and gRPC handler declares @Permission, @OrgPermission or @Public (on itself or its class)', () => {
    const handlers: string[] = [];
    const undeclared: string[] = [];
    for (const module of app.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as new (...args: unknown[]) => object;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = controller.prototype[name as keyof object] as unknown;
          if (typeof handler !== 'function') continue;
          const isRoute = Reflect.getMetadata(METHOD_METADATA, handler) !== undefined && Reflect.getMetadata(PATH_METADATA, handler) !== undefined;
          const isRpc = Reflect.getMetadata(PATTERN_METADATA, handler) !== undefined;
          if (!isRoute && !isRpc) continue;
          handlers.push(`${controller.name}.${name}`);
          const declared = [handler, controller].some(
            (target) => Reflect.getMetadata(PERMISSION_KEY, target) !== undefined || Reflect.getMetadata(PUBLIC_KEY, target) === true,
          );
          if (!declared) undeclared.push(`${controller.name}.${name}`);
        }
      }
    }
    // 25 REST routes, 25 gRPC methods (also served on the bus), 3 debug routes, 2 health methods
    assert.ok(handlers.length >= 55, `found only ${handlers.length} handlers`);
    assert.deepEqual(undeclared, []);
  });
});
