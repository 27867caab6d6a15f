import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const DESCRIPTION = [
  'Which authentication factors an instance and each of its organizations allow at login: second factors',
  '(authenticator app, security key, email code, SMS code) and passwordless multi factors (passkeys).',
  '',
  "Wire-compatible with ZITADEL's Admin API (`/admin/v1`, instance level) and Management API (`/management/v1`,",
  'organization level) for login-policy factors. JSON follows the protobuf JSON mapping: uint64 as strings,',
  'RFC 3339 timestamps with milliseconds, durations as seconds strings (`"64800s"`), enums as names',
  '(numbers are accepted on input).',
  '',
  'Every call needs `Authorization: Bearer <JWT>`. Errors are `google.rpc.Status` JSON: `{code, message, details}`.',
].join('\n');

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Login-policy factors')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Swagger UI at /docs and the document at /docs/openapi.json. The document is built on the first
 * request for it and kept: start-up does not wait for it, and a process nobody asks holds none.
 */
export function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
