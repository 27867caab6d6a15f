/**
 * Memos of the read path: what a read computes from what it read (a row, a state, a response) is
 * computed once and shared by every read of the same thing. The shared values are deep-frozen, so
 * no reader can change what the others see. None of this can make a read stale: a memo is keyed
 * by what was read (the row's text, or the very object read), never by what was asked for.
 */

/** Freezes `value` and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as Record<string, unknown>)) deepFreeze(inner);
  }
  return value;
}

/** `compute(key)` once per distinct text key, for at most `capacity` keys (the oldest leave first). */
export function memoByText<T>(capacity: number, compute: (key: string) => T): (key: string) => T {
  const values = new Map<string, T>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      value = deepFreeze(compute(key));
      if (values.size >= capacity) values.delete(values.keys().next().value as string);
      values.set(key, value);
    }
    return value;
  };
}

/**
 * How a shared answer is sent, kept on the answer itself in three non-enumerable symbol-keyed
 * properties (not part of the answer, not serialized): its entity tag and JSON text in one string
 * (`"<version>"{…}`), the tag's length, and the function that made the tag. They are the answer's
 * first properties, so they sit in the object's own slots: a read that reaches the answer reaches
 * what it sends without touching another object (with 10,000 orgs in use, each object on the way
 * is a likely cache miss per read).
 */
const RENDERED = Symbol('rendered');
const TAG_LENGTH = Symbol('tag length');
const TAG_OF = Symbol('tag function');

interface Rendered {
  readonly [RENDERED]: string;
  readonly [TAG_LENGTH]: number;
  readonly [TAG_OF]: (answer: never) => string;
}

function isRendered(value: unknown): value is Rendered {
  return value !== null && typeof value === 'object' && RENDERED in value;
}

/** The JSON text of an answer made by `memoByObject`; undefined for any other value. */
export function jsonTextOf(value: unknown): string | undefined {
  return isRendered(value) ? value[RENDERED].slice(value[TAG_LENGTH]) : undefined;
}

/** `"<version>"` of an answer by `etagOf`: the one made with the answer when `memoByObject` made it with `etagOf`. */
export function entityTagOf<T>(answer: T, etagOf: (answer: T) => string): string {
  if (isRendered(answer) && answer[TAG_OF] === etagOf) return answer[RENDERED].slice(0, answer[TAG_LENGTH]);
  return `"${etagOf(answer)}"`;
}

/**
 * `compute(source)` once per source object (held weakly: it goes when the source goes): an
 * answer of the read path (a wire message), deep-frozen. It carries its rendering, made with it
 * (its JSON text, and its entity tag by `versionOf`), so the REST door sends it without
 * serializing or looking anything up again.
 */
export function memoByObject<S extends object, T extends object>(compute: (source: S) => T, versionOf: (answer: T) => string): (source: S) => T {
  const values = new WeakMap<S, T>();
  return (source) => {
    let value = values.get(source);
    if (value === undefined) {
      value = rendered(compute(source), versionOf);
      values.set(source, value);
    }
    return value;
  };
}

/** A copy of `message` that carries its rendering in its first (own) slots, deep-frozen. */
function rendered<T extends object>(message: T, versionOf: (answer: T) => string): T {
  const tag = `"${versionOf(message)}"`;
  // joined, not `+`: one flat string (`+` makes a pair of strings that the first read flattens behind a pointer)
  const text = [tag, JSON.stringify(message)].join('');
  const answer = { [RENDERED]: text, [TAG_LENGTH]: tag.length, [TAG_OF]: versionOf, ...message };
  for (const key of [RENDERED, TAG_LENGTH, TAG_OF]) Object.defineProperty(answer, key, { enumerable: false });
  return deepFreeze(answer);
}
