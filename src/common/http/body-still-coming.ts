import { IncomingMessage } from 'node:http';

/**
 * Whether a request's body has not all arrived yet. A request answered before its body was read
 * (refused on its headers: 401, 403, 429) is answered with `connection: close`: node would
 * otherwise go on reading the rest of the body to keep the connection, and a client trickling
 * that body would hold it until the request timeout, and then hear a second answer (408).
 */
export function bodyStillComing(request: IncomingMessage): boolean {
  if (request.complete) return false;
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}
