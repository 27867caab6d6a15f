/** A request header as the service reads it: its value, every value in order when the request repeats it, or undefined. */
export type HeaderValue = string | string[] | undefined;

/**
 * Header `name` (in lower case) from node's raw header list (`[name, value, name, value, …]`), in
 * one pass and without building `request.headers`. Node's `headers` object keeps only the first of
 * a repeated `authorization` (HTTP/1.1 and HTTP/2 alike) and joins repeats of most other names,
 * which would hide that a request is ambiguous; the raw list shows every value.
 */
export function rawHeader(rawHeaders: readonly string[], name: string): HeaderValue {
  let found: HeaderValue;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const value = rawHeaders[i + 1];
    if (found === undefined) found = value;
    else if (typeof found === 'string') found = [found, value];
    else found.push(value);
  }
  return found;
}

/** One text for a header that may have come more than once: its values joined as node joins repeated headers. */
export function joinedHeader(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
