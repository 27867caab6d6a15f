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

/** `compute(source)` once per source object (held weakly: it goes when the source goes). */
export function memoByObject<S extends object, T>(compute: (source: S) => T): (source: S) => T {
  const values = new WeakMap<S, T>();
  return (source) => {
    let value = values.get(source);
    if (value === undefined) {
      value = deepFreeze(compute(source));
      values.set(source, value);
    }
    return value;
  };
}
