import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';

/** `METHOD /path` of each path a controller's handler is routed at, as Fastify knows the route (`request.routeOptions.url`). */
export function routeKeys(controller: Type, handler: Function): string[] {
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
