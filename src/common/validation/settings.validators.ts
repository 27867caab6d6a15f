import { ValidationOptions, registerDecorator } from 'class-validator';
import { parseDuration } from '../proto/wire-format.js';

function rule(name: string, check: (value: unknown) => boolean, message: string) {
  return function (options: ValidationOptions = {}) {
    return function (target: object, propertyName: string): void {
      registerDecorator({
        name,
        target: target.constructor,
        propertyName,
        options: { message, ...options },
        validator: { validate: (value: unknown) => value === undefined || value === null || check(value) },
      });
    };
  };
}

/** A JSON `bool` (absent means false). */
export const IsProtoBool = rule('isProtoBool', (value) => typeof value === 'boolean', 'value must be true or false');

/** A protobuf JSON duration in whole seconds: `"64800s"` (absent means 0s). */
export const IsProtoDuration = rule(
  'isProtoDuration',
  (value) => typeof value === 'string' && parseDuration(value) !== undefined,
  'value must be a duration in whole seconds, like "64800s"',
);

/** Empty, or an absolute URI (with a scheme). */
export const IsAbsoluteUriOrEmpty = rule(
  'isAbsoluteUriOrEmpty',
  (value) => typeof value === 'string' && (value === '' || (value.length <= 2048 && isAbsoluteUri(value))),
  'value must be an absolute URI (with a scheme, at most 2048 characters)',
);

function isAbsoluteUri(value: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
