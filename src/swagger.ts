import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export const DOCS_TITLE = 'Login-policy factors';

const DESCRIPTION = [
  'Which authentication factors an instance and each of its organizations allow at login: second factors',
  '(authenticator app, security key, email code, SMS code) and passwordless multi factors (passkeys).',
  '',
  "Wire-compatible with ZITADEL's Admin API (`/admin/v1`, instance level) and Management API (`/management/v1`,",
  'organization level) for login-policy factors. JSON follows the protobuf JSON mapping: uint64 as strings,',
  'RFC 3339 timestamps with milliseconds, durations as seconds strings (`"64800s"`), enums as names',
  '(numbers are accepted on input).',
  '',
  'Every call needs `Authorization: Bearer <JWT>`. Errors are `google.rpc.Status` JSON: `{code, message, details}`;',
  'each operation lists, per status, the answers it can give.',
  '',
  '**A token for trying it out.** In development mode (no `AUTH_ISSUER` set), mint one signed with the development',
  'key, in the directory the service runs in:',
  '',
  '```',
  'npm run -s token -- --role IAM_OWNER',
  '```',
  '',
  'then press **Authorize** and paste it (without `Bearer `); it is kept across reloads of this page. For an org',
  'role instead: `npm run -s token -- --role ORG_OWNER:<orgId> --org <orgId>`. Management calls act on the org in',
  '`x-zitadel-orgid`, else on the token\'s own org: create one with `POST /management/v1/orgs` and use its `id`.',
  'With `AUTH_ISSUER` set, tokens come from that issuer only.',
  '',
  '**Extensions** (ours, beyond ZITADEL; error ids `LPF-…`). Reads of a policy or its factor lists send',
  '`ETag: "<sequence>"`; every write takes `If-Match: "<sequence>"` (412 when the policy moved on) and',
  '`?validateOnly=true` (every check, the same answer, nothing stored). `PUT /ext/v1/policies/login/{default,org}/factors`',
  'sets the whole factor set and answers what it added and removed (nothing to do: 200, no event). A change that',
  'would lock users out (forceMfa without factors, passwordless without multi factors) is refused there unless',
  '`allowLockout` is true. A Terraform-style reconcile:',
  '',
  '1. `GET /management/v1/policies/login` (with `x-zitadel-orgid`): keep the `ETag` header.',
  '2. `PUT /ext/v1/policies/login/org/factors?validateOnly=true` with `If-Match: <that ETag>` and the wanted',
  '   `{"secondFactors": [...], "multiFactors": [...]}`: the plan (`added`, `removed`), nothing stored.',
  '3. The same without `validateOnly`: applied only if nobody changed the policy since step 1, else 412: read again.',
].join('\n');

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(DOCS_TITLE)
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return withUniqueOperationIds(SwaggerModule.createDocument(app, config));
}

/**
 * A handler on two paths (ZITADEL's path and our alias) gives both operations its one
 * operationId, and Swagger UI then opens both at one click. The later path gets `_alias`.
 */
function withUniqueOperationIds(document: OpenAPIObject): OpenAPIObject {
  const seen = new Set<string>();
  for (const methods of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = methods[method];
      if (operation?.operationId === undefined) continue;
      if (seen.has(operation.operationId)) operation.operationId = `${operation.operationId}_alias`;
      seen.add(operation.operationId);
    }
  }
  return document;
}

/**
 * Swagger UI at /docs and the document at /docs/openapi.json. The document is built on the first
 * request for it and kept: start-up does not wait for it, and a process nobody asks holds none.
 */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    customSiteTitle: `${DOCS_TITLE} API`,
    swaggerOptions: { persistAuthorization: true },
  });
}
