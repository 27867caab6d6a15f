import { isIPv6 } from 'node:net';

/** `host:port` as URLs and gRPC targets write it: an IPv6 address in brackets (`[::1]:50051`). */
export function listenAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
