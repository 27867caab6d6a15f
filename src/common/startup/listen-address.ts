/**
 * `host:port` as URLs and gRPC targets write it: an IPv6 address in brackets (`[::1]:50051`). The
 * host is one the configuration accepted (an IPv4 or IPv6 address or a host name), and of those
 * only an IPv6 address holds a colon. (node's isIPv6 would first compile its large pattern: some
 * 14 ms of start-up, spent between listening and answering the first request.)
 */
export function listenAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
