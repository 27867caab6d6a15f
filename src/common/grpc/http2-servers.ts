import type { Server } from '@grpc/grpc-js';
import type { Http2Server } from 'node:http2';

/**
 * The HTTP/2 servers a bound grpc-js server listens with. grpc-js offers no hook on them, so they
 * are taken from its `http2Servers` field; start-up fails loudly, naming `need`, if that field
 * changes in a later grpc-js.
 */
export function http2ServersOf(server: Server, need: string): Http2Server[] {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map) || http2Servers.size === 0) {
    throw new Error(`@grpc/grpc-js keeps its HTTP/2 servers elsewhere than before: ${need}`);
  }
  return [...(http2Servers.keys() as Iterable<Http2Server>)];
}
