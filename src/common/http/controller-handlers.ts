import { INestApplication, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

/** A method of a controller instance, as the route tables read them at start-up. */
export interface ControllerHandler {
  controller: Type;
  instance: object;
  name: string;
  handler: (...args: unknown[]) => unknown;
}

/** Every method of every controller of the initialised application (REST, gRPC and bus handlers alike). */
export function controllerHandlers(app: INestApplication): ControllerHandler[] {
  const scanner = app.get(MetadataScanner);
  const handlers: ControllerHandler[] = [];
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const prototype = Object.getPrototypeOf(instance) as Record<string, ControllerHandler['handler']>;
    for (const name of scanner.getAllMethodNames(prototype)) handlers.push({ controller: wrapper.metatype as Type, instance, name, handler: prototype[name] });
  }
  return handlers;
}
