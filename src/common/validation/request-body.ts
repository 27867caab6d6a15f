import { Type } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { invalidRequest } from './invalid-request.js';

/** A request body as a JSON object: a missing body counts as `{}` (the `_search` calls are sent without one). */
export function bodyObject(value: unknown, requestName: string): object {
  const body = value ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest(requestName, [{ field: 'body', description: 'the request body must be a JSON object' }]);
  }
  return body;
}

const hasRules = new WeakMap<Type, boolean>();

/** Whether a request class declares any validation rule; one that declares none needs no transformation. */
export function declaresRules(metatype: Type): boolean {
  let known = hasRules.get(metatype);
  if (known === undefined) {
    known = getMetadataStorage().getTargetValidationMetadatas(metatype, metatype.name, true, false).length > 0;
    hasRules.set(metatype, known);
  }
  return known;
}
