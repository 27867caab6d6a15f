import { readFileSync } from 'node:fs';

/** A JSON schema of the OpenAPI document, its `$ref`s and `allOf`s resolved. */
export interface Schema {
  type?: string;
  enum?: string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  example?: unknown;
  minLength?: number;
  maxLength?: number;
  description?: string;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. `/admin/v1/policies/login/second_factors/{type}`. */
  path: string;
  pathParams: { name: string; schema: Schema }[];
  /** Header parameters the operation reads (`x-zitadel-orgid`). */
  headers: string[];
  body?: Schema;
  /** Whether the operation needs a bearer token. */
  secured: boolean;
}

type Raw = Record<string, any>;

/** Every operation of the committed OpenAPI document (`docs/openapi.json`). */
export function openApiOperations(file = 'docs/openapi.json'): Operation[] {
  const document = JSON.parse(readFileSync(file, 'utf8')) as Raw;
  const resolve = (schema: Raw | undefined): Schema | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(schema.$ref.split('/').slice(1).reduce((node: Raw, key: string) => node[key], document));
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map(resolve), { ...schema, allOf: undefined });
    const resolved: Schema = { ...schema };
    if (schema.properties) resolved.properties = Object.fromEntries(Object.entries(schema.properties as Raw).map(([name, property]) => [name, resolve(property)!]));
    if (schema.items) resolved.items = resolve(schema.items);
    return resolved;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths as Raw)) {
    for (const [method, operation] of Object.entries(methods as Raw)) {
      const parameters = (operation.parameters ?? []) as Raw[];
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: resolve(p.schema)! })),
        headers: parameters.filter((p) => p.in === 'header').map((p) => p.name),
        body: resolve(operation.requestBody?.content?.['application/json']?.schema),
        secured: (operation.security ?? []).length > 0,
      });
    }
  }
  return operations;
}
