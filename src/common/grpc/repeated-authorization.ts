import type { Server } from '@grpc/grpc-js';
import type { Http2Server } from 'node:http2';
import { rawHeader } from '../http/raw-header.js';

/**
 * Makes a repeated `authorization` visible to the gRPC handlers. Node's HTTP/2 server treats
 * `authorization` as a single-value header and keeps only the first in the headers it hands on,
 * so a call carrying a valid token and then a forged one would be judged by the first alone.
 * Its raw header list still has both: a listener that runs before grpc-js's puts them back as a
 * list, which grpc-js turns into two metadata values, which authentication refuses (as on every
 * other door). grpc-js offers no hook on its HTTP/2 servers, so they are taken from its
 * `http2Servers` field, once the server is bound; start-up fails loudly if that field changes.
 */
export function keepRepeatedAuthorization(server: Server): void {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map) || http2Servers.size === 0) {
    throw new Error('@grpc/grpc-js keeps its HTTP/2 servers elsewhere than before: the gRPC door cannot refuse a repeated authorization header');
  }
  for (const http2 of http2Servers.keys() as Iterable<Http2Server>) http2.prependListener('stream', restoreRepeatedAuthorization);
}

function restoreRepeatedAuthorization(_stream: unknown, headers: Record<string, unknown>, _flags: number, rawHeaders: string[]): void {
  const authorization = rawHeader(rawHeaders, 'authorization');
  if (Array.isArray(authorization)) headers.authorization = authorization;
}
