import { DomainError } from '../errors/domain-error.js';

/** Query values as Fastify's parser gives them: a repeated name becomes an array. */
export type QueryValues = Record<string, string | string[] | undefined>;

/** Names that would reach an object's prototype: never a field of a request message. */
const NOT_FIELDS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The request message a GET's query string carries, as ZITADEL's gateway maps it: a dotted name
 * is a path of fields (`ctx.orgId=1` → `{"ctx": {"orgId": "1"}}`), each part by its JSON name or
 * its protobuf name (`ctx.org_id`), a repeated name a list. Values stay text; the request class
 * says what they must be. Undefined when there is no query. A name that is both a value and a
 * message (`ctx=1&ctx.orgId=2`) is a 400.
 */
export function queryMessage(query: unknown): Record<string, unknown> | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  let message: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(query as QueryValues)) {
    if (value === undefined) continue;
    const parts = name.split('.');
    if (parts.some((part) => part === '' || NOT_FIELDS.has(part))) continue;
    const path = parts.map(jsonName);
    if (path.some((part) => NOT_FIELDS.has(part))) continue;
    message ??= {};
    let fields = message;
    for (const part of path.slice(0, -1)) {
      const next = fields[part] ?? (fields[part] = {});
      if (typeof next !== 'object' || Array.isArray(next)) throw bothValueAndMessage(name);
      fields = next as Record<string, unknown>;
    }
    const leaf = path[path.length - 1];
    if (fields[leaf] !== undefined) throw bothValueAndMessage(name);
    fields[leaf] = value;
  }
  return message;
}

/** protobuf's JSON name of a field: `org_id` → `orgId` (a JSON name stays as it is). */
function jsonName(part: string): string {
  return part.includes('_') ? part.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase()) : part;
}

function bothValueAndMessage(name: string): DomainError {
  return DomainError.invalidArgument(`invalid query parameter ${name}: a field cannot be both a value and a message`, [
    { field: name, description: 'a field cannot be both a value and a message' },
  ]);
}
