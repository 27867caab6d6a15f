import { Type } from '@nestjs/common';
import { deepFreeze } from '../memo/read-memo.js';

/** Bodies longer than this are validated every time (the hot path's bodies are a few dozen bytes). */
const MAX_TEXT_LENGTH = 256;
/** Distinct bodies kept per request class; when full, the class's memo starts over. */
const MAX_BODIES_PER_CLASS = 64;

/**
 * Validated request bodies by their JSON text. Validation and transformation (class-transformer,
 * class-validator) are a function of the request class and the text alone, and cost more than a
 * whole factor change's own work; a burst of changes sends the same few bodies again and again.
 * Only bodies that passed are kept (a refused one is checked again, so its error is built for its
 * own request), frozen, so no handler can change what the next request gets.
 */
export class ValidatedBodyMemo {
  private readonly byClass = new WeakMap<Type, Map<string, object>>();

  /** The validated body of this text, if one was kept. */
  get(metatype: Type, text: string | undefined): object | undefined {
    return text === undefined ? undefined : this.byClass.get(metatype)?.get(text);
  }

  /** Keeps `validated` (frozen, with everything it holds) as the body of `text`; returns it. */
  keep<T>(metatype: Type, text: string | undefined, validated: T): T {
    if (text === undefined || text.length > MAX_TEXT_LENGTH || validated === null || typeof validated !== 'object') return validated;
    let bodies = this.byClass.get(metatype);
    if (bodies === undefined) this.byClass.set(metatype, (bodies = new Map()));
    else if (bodies.size >= MAX_BODIES_PER_CLASS) bodies.clear();
    bodies.set(text, deepFreeze(validated));
    return validated;
  }
}
