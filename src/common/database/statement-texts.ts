/**
 * Statement texts built once per shape. A text built anew for every command costs its building
 * and, in the prepared-statement cache, hashing the whole text again; the same string object
 * each time is found at once (V8 keeps a string's hash in the string).
 */

/** `build(names)` once per distinct list of names (column names, say). */
export function textPerKey(build: (names: string[]) => string): (names: string[]) => string {
  const texts = new Map<string, string>();
  return (names) => {
    const key = names.join(',');
    let text = texts.get(key);
    if (text === undefined) texts.set(key, (text = build(names)));
    return text;
  };
}

/** `build(count)` once per count (of rows, of placeholders). */
export function textPerCount(build: (count: number) => string): (count: number) => string {
  const texts = new Map<number, string>();
  return (count) => {
    let text = texts.get(count);
    if (text === undefined) texts.set(count, (text = build(count)));
    return text;
  };
}
