import { ValidationOptions, registerDecorator } from 'class-validator';
import { parseDuration } from '../proto/wire-format.js';

/** A validation rule; absent values (undefined/null, the protobuf zero value) pass unless `required`. */
function rule(name: string, check: (value: unknown) => boolean, message: string, required = false) {
  return function (options: ValidationOptions = {}) {
    return function (target: object, propertyName: string): void {
      registerDecorator({
        name,
        target: target.constructor,
        propertyName,
        options: { message, ...options },
        validator: { validate: (value: unknown) => ((value === undefined || value === null) && !required) || check(value) },
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

/** Empty, or an absolute URI (with a scheme), of well-formed text (see IsWellFormedText). */
export const IsAbsoluteUriOrEmpty = rule(
  'isAbsoluteUriOrEmpty',
  (value) => typeof value === 'string' && (value === '' || (value.length <= 2048 && isWellFormed(value) && isAbsoluteUri(value))),
  'value must be an absolute URI (with a scheme, at most 2048 characters)',
);

/** A string of `min` to `max` characters once surrounding white space is ignored. */
export function IsTrimmedLength(min: number, max: number) {
  return rule(
    'isTrimmedLength',
    (value) => typeof value === 'string' && value.trim().length >= min && value.trim().length <= max,
    `value length must be between ${min} and ${max} characters, inclusive`,
    true,
  )();
}

/**
 * A string without control characters: C0 (U+0000-U+001F, NUL, tab and newline among them), DEL
 * and C1 (U+007F-U+009F). They end C strings, forge log lines and move terminal cursors wherever
 * the value is shown later.
 */
export const HasNoControlCharacters = rule(
  'hasNoControlCharacters',
  (value) => typeof value === 'string' && !/\p{Cc}/u.test(value),
  'value must not contain control characters (U+0000-U+001F, U+007F-U+009F)',
);

/**
 * A string that is well-formed Unicode: no unpaired surrogate (`"\ud800"` in JSON). Such a string
 * has no UTF-8 form: the database would store U+FFFD in its place, so what is read back would not be
 * what the event says was written.
 */
export const IsWellFormedText = rule('isWellFormedText', (value) => typeof value === 'string' && isWellFormed(value), 'value must be well-formed Unicode text (no unpaired surrogate)');

function isWellFormed(value: string): boolean {
  // with the u flag a surrogate pair is one code point; only an unpaired half is of category Cs
  return !/\p{Cs}/u.test(value);
}

/** A uint64 as JSON allows it (number or decimal string), optionally at most `max`. */
export function IsProtoUint(max = Number.MAX_SAFE_INTEGER) {
  return rule(
    'isProtoUint',
    (value) =>
      (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value))) &&
      Number.isSafeInteger(Number(value)) &&
      Number(value) >= 0 &&
      Number(value) <= max,
    `value must be a whole number from 0 to ${max}`,
  )();
}

function isAbsoluteUri(value: string): boolean {
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
