import type { Server } from '@grpc/grpc-js';
import { rawHeader } from '../http/raw-header.js';
import { http2ServersOf } from './http2-servers.js';

/**
 * Makes a repeated `authorization` visible to the gRPC handlers. Node's HTTP/2 server treats
 * `authorization` as a single-value header and keeps only the first in the headers it hands on,
 * so a call carrying a valid token and then a forged one would be judged by the first alone.
 * Its raw header list still has both: a listener that runs before grpc-js's puts them back as a
 * list, which grpc-js turns into two metadata values, which authentication refuses (as on every
 * other door). Added once the server is bound (see http2-servers.ts).
 */
export function keepRepeatedAuthorization(server: Server): void {
  for (const http2 of http2ServersOf(server, 'the gRPC door cannot refuse a repeated authorization header')) http2.prependListener('stream', restoreRepeatedAuthorization);
}

function restoreRepeatedAuthorization(_stream: unknown, headers: Record<string, unknown>, _flags: number, rawHeaders: string[]): void {
  const authorization = rawHeader(rawHeaders, 'authorization');
  if (Array.isArray(authorization)) headers.authorization = authorization;
}
