import { DomainError } from '../errors/domain-error.js';

/**
 * How deep objects and arrays may nest in a request body. Our deepest request nests 2 levels;
 * class-transformer copies unknown fields recursively, so a body nested thousands of levels deep
 * would overflow the stack (a 500) if it got that far.
 */
export const MAX_NESTING_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Whether JSON text nests objects and arrays deeper than MAX_NESTING_DEPTH (read before parsing, so nothing is built). */
export function jsonTextNestsTooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > MAX_NESTING_DEPTH) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** Whether a parsed value nests objects and arrays deeper than MAX_NESTING_DEPTH (for doors whose transport parsed the JSON). */
export function valueNestsTooDeep(value: unknown, levelsLeft = MAX_NESTING_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levelsLeft === 0) return true;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (valueNestsTooDeep(item, levelsLeft - 1)) return true;
  }
  return false;
}

/** The one answer to a body nested too deep, from every door. */
export function nestedTooDeep(): DomainError {
  return DomainError.invalidArgument(`the request body nests objects and arrays deeper than ${MAX_NESTING_DEPTH} levels`, [
    { field: 'body', description: `objects and arrays may nest at most ${MAX_NESTING_DEPTH} levels deep` },
  ]);
}
