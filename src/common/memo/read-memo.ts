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
 * How a shared answer is sent: its JSON text, made with it, and its entity tag once a route has
 * asked for one (by that route's function; another function makes it anew). Kept on the answer in
 * a non-enumerable property (not part of the answer, not serialized, not frozen with it), so a
 * read that reaches the answer reaches what it sends without another lookup.
 */
interface Rendering {
  readonly json: string;
  etag?: string;
  etagOf?: (answer: never) => string;
}

const RENDERING = Symbol('rendering');

/** The rendering of an answer made by `memoByObject`; undefined for any other value. */
function renderingOf(value: unknown): Rendering | undefined {
  return value !== null && typeof value === 'object' ? (value as { [RENDERING]?: Rendering })[RENDERING] : undefined;
}

/** The JSON text of an answer made by `memoByObject`; undefined for any other value. */
export function jsonTextOf(value: unknown): string | undefined {
  return renderingOf(value)?.json;
}

/** `"<version>"` of an answer by `etagOf`, made once per answer when it carries a rendering. */
export function entityTagOf<T>(answer: T, etagOf: (answer: T) => string): string {
  const rendering = renderingOf(answer);
  if (rendering === undefined) return `"${etagOf(answer)}"`;
  if (rendering.etagOf !== etagOf) {
    rendering.etag = `"${etagOf(answer)}"`;
    rendering.etagOf = etagOf as Rendering['etagOf'];
  }
  return rendering.etag as string;
}

/**
 * `compute(source)` once per source object (held weakly: it goes when the source goes): an
 * answer of the read path (a wire message). It carries its rendering, made with it, so the REST
 * door sends it without serializing or looking anything up again (see renderingOf).
 */
export function memoByObject<S extends object, T extends object>(compute: (source: S) => T): (source: S) => T {
  const values = new WeakMap<S, T>();
  return (source) => {
    let value = values.get(source);
    if (value === undefined) {
      value = compute(source);
      const rendering: Rendering = { json: JSON.stringify(value), etag: undefined, etagOf: undefined };
      Object.defineProperty(value, RENDERING, { value: rendering });
      values.set(source, deepFreeze(value));
    }
    return value;
  };
}
