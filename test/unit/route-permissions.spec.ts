import assert from 'node:assert/strict';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { after, before, describe, it } from 'node:test';
import { PERMISSION_KEY, PUBLIC_KEY } from '../../src/common/auth/route-access.decorator.js';
import { TestApp } from '../support/test-app.js';

describe('deny by default', () => {
  let app: TestApp;
  before(async () => {
    app = await TestApp.start();
  });
  after(() => app.close());

  it('every route handler declares @Permission or @Public (on itself or its class)', () => {
    const handlers: string[] = [];
    const undeclared: string[] = [];
    for (const module of app.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as new (...args: unknown[]) => object;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = controller.prototype[name as keyof object] as unknown;
          if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          assert.notEqual(Reflect.getMetadata(PATH_METADATA, handler), undefined);
          handlers.push(`${controller.name}.${name}`);
          const declared = [handler, controller].some(
            (target) => Reflect.getMetadata(PERMISSION_KEY, target) !== undefined || Reflect.getMetadata(PUBLIC_KEY, target) === true,
          );
          if (!declared) undeclared.push(`${controller.name}.${name}`);
        }
      }
    }
    assert.ok(handlers.length >= 11, `found only ${handlers.length} handlers`);
    assert.deepEqual(undeclared, []);
  });
});
