import { createServer } from 'node:net';

export type PortVariable = 'HTTP_PORT' | 'GRPC_PORT';

/** The variable that sets the address each port is bound to. */
const HOST_VARIABLE: Record<PortVariable, 'HTTP_HOST' | 'GRPC_HOST'> = { HTTP_PORT: 'HTTP_HOST', GRPC_PORT: 'GRPC_HOST' };

/** A port another process holds: stops start-up with one line naming the variables, no stack trace. */
export class PortInUseError extends Error {
  constructor(variable: PortVariable, host: string, port: number) {
    super(`Cannot start: ${variable} ${port} on ${HOST_VARIABLE[variable]} ${host} is already in use by another process (stop it, or set ${variable} to a free port)`);
    this.name = 'PortInUseError';
  }
}

/** A bind address that is not this machine's (or a host name that does not resolve): one line naming the variable. */
export class HostUnavailableError extends Error {
  constructor(variable: PortVariable, host: string, code: string) {
    const hostVariable = HOST_VARIABLE[variable];
    super(`Cannot start: ${hostVariable} ${host} is not an address of this machine (${code}; set ${hostVariable} to one of its addresses or host names, or 0.0.0.0 for every IPv4 interface)`);
    this.name = 'HostUnavailableError';
  }
}

/**
 * Fails with PortInUseError when `port` cannot be listened on now, HostUnavailableError when
 * `host` is not here. Tried before the servers bind: on a busy port Nest logs the error and
 * grpc-js writes a line to stderr before they fail.
 */
export function assertPortFree(variable: PortVariable, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenErrorOf(variable, host, port, error)));
    probe.listen({ port, host }, () => probe.close(() => resolve()));
  });
}

/** For a listen that failed: PortInUseError or HostUnavailableError when that is why, else the error as it was. */
export function portInUseOr(variable: PortVariable, host: string, port: number): (error: unknown) => never {
  return (error) => {
    throw listenErrorOf(variable, host, port, error);
  };
}

const HOST_UNAVAILABLE = ['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'];

function listenErrorOf(variable: PortVariable, host: string, port: number, error: unknown): unknown {
  // node sets the code; grpc-js folds node's message into one of its own
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if (code === 'EADDRINUSE' || message.includes('EADDRINUSE')) return new PortInUseError(variable, host, port);
  const unavailable = HOST_UNAVAILABLE.find((name) => code === name || message.includes(name));
  return unavailable ? new HostUnavailableError(variable, host, unavailable) : error;
}
