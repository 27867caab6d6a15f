import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { invalidRequest } from './invalid-request.js';

/**
 * Validates request bodies against their DTO classes. The DTO class is named after the protobuf
 * request message, so the error names the request and field the way ZITADEL's clients expect.
 * A missing body counts as `{}` (the `_search` calls are sent without one); a body that is not a
 * JSON object is refused. Path and query parameters are left to their own pipes.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: false,
      forbidUnknownValues: false,
      validationError: { target: true, value: true },
      exceptionFactory: (errors: ValidationError[]) =>
        invalidRequest(errors[0]?.target?.constructor.name ?? 'Request', flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || !metadata.metatype) return value;
    const body = value ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw invalidRequest(metadata.metatype.name, [{ field: 'body', description: 'the request body must be a JSON object' }]);
    }
    return super.transform(body, metadata);
  }
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; description: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((description) => ({ field, description }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
