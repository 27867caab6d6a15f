import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { REQUEST_INPUT } from '../api/request-input.js';
import { invalidRequest } from './invalid-request.js';
import { nestedTooDeep, valueNestsTooDeep } from './nesting-depth.js';
import { bodyObject, declaresRules } from './request-body.js';

/**
 * Validates request bodies against their DTO classes. The DTO class is named after the protobuf
 * request message, so the error names the request and field the way ZITADEL's clients expect.
 * A missing body counts as `{}` (the `_search` calls are sent without one); a body that is not a
 * JSON object, or one nested deeper than MAX_NESTING_DEPTH, is refused before class-transformer
 * sees it. Classes without rules (the `_search` requests) are not transformed.
 * It checks `@Input()` (the request message of any door, REST path parameters included) and
 * `@Body()`/`@Payload()`; other parameters are left to their own pipes.
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
    if (!isRequestMessage(metadata) || !metadata.metatype) return value;
    const body = bodyObject(value, metadata.metatype.name);
    // the HTTP body parser refused such bodies already; the bus's transports parse their own JSON
    if (valueNestsTooDeep(body)) throw nestedTooDeep();
    return declaresRules(metadata.metatype) ? super.transform(body, { ...metadata, type: 'body' }) : body;
  }
}

/** A request message: `@Input()`, or a whole body or payload. */
function isRequestMessage(metadata: ArgumentMetadata): boolean {
  return metadata.type === 'body' || (metadata.type === 'custom' && metadata.data === REQUEST_INPUT);
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; description: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((description) => ({ field, description }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
