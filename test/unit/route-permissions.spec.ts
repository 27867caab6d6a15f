import 'reflect-metadata';
import assert from 'node:assert/strict';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { PATTERN_METADATA } from '@nestjs/microservices/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { after, before, describe, it } from 'node:test';
import { PERMISSION_KEY, PUBLIC_KEY } from '../../src/common/auth/route-access.decorator.js';
import { controllerHandlers } from '../../src/common/http/controller-handlers.js';
import { restOperationOf } from '../../src/common/http/rest-call-telemetry.js';
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
    // 25 operations (each one handler for REST, gRPC, gRPC-web and the bus), 3 debug routes, 2 health methods
    assert.ok(handlers.length >= 30, `found only ${handlers.length} handlers`);
    assert.deepEqual(undeclared, []);
  });

  it('every operation is one handler serving both its REST route and its RPC method (gRPC, gRPC-web, bus), so both require the same permission', () => {
    /** The declaration a handler is judged by: its own, else its class's. */
    const declaration = (handler: Function, controller: Function) =>
      JSON.stringify(Reflect.getMetadata(PERMISSION_KEY, handler) ?? Reflect.getMetadata(PERMISSION_KEY, controller) ?? (Reflect.getMetadata(PUBLIC_KEY, handler) ? 'public' : 'none'));
    const rest = new Map<string, { handler: Function; declared: string }>();
    const rpc = new Map<string, { handler: Function; declared: string }>();
    for (const { controller, handler } of controllerHandlers(app.app)) {
      const operation = restOperationOf(handler);
      if (Reflect.getMetadata(METHOD_METADATA, handler) !== undefined && operation !== undefined) rest.set(operation, { handler, declared: declaration(handler, controller) });
      const patterns = (Reflect.getMetadata(PATTERN_METADATA, handler) ?? []) as unknown[];
      for (const pattern of patterns) {
        const { service, rpc: method } = (pattern ?? {}) as { service?: string; rpc?: string };
        if (service?.endsWith('Service') && method) rpc.set(`${service}/${method}`, { handler, declared: declaration(handler, controller) });
      }
    }
    assert.ok(rest.size >= 25, `found ${rest.size} REST operations`);
    assert.deepEqual([...rest.keys()].sort(), [...rpc.keys()].sort(), 'the same operations on both');
    const twice = [...rest].filter(([operation, { handler }]) => rpc.get(operation)?.handler !== handler).map(([operation]) => operation);
    assert.deepEqual(twice, [], 'operations whose REST route and RPC method are different handlers');
    const differing = [...rest]
      .filter(([operation, { declared }]) => rpc.get(operation)?.declared !== declared)
      .map(([operation, { declared }]) => `${operation}: REST ${declared}, RPC ${rpc.get(operation)?.declared}`);
    assert.deepEqual(differing, []);
  });
});
