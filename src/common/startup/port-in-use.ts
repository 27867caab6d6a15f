import { createServer } from 'node:net';

export type PortVariable = 'HTTP_PORT' | 'GRPC_PORT';

/** A port another process holds: stops start-up with one line naming the variable, no stack trace. */
export class PortInUseError extends Error {
  constructor(variable: PortVariable, port: number) {
    super(`Cannot start: ${variable} ${port} is already in use by another process (stop it, or set ${variable} to a free port)`);
    this.name = 'PortInUseError';
  }
}

/**
 * Fails with PortInUseError when `port` cannot be listened on now. Tried before the servers bind:
 * on a busy port Nest logs the error and grpc-js writes a line to stderr before they fail.
 */
export function assertPortFree(variable: PortVariable, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(isAddressInUse(error) ? new PortInUseError(variable, port) : error));
    probe.listen({ port, host }, () => probe.close(() => resolve()));
  });
}

/** For a listen that failed: PortInUseError when the port was taken, else the error as it was. */
export function portInUseOr(variable: PortVariable, port: number): (error: unknown) => never {
  return (error) => {
    throw isAddressInUse(error) ? new PortInUseError(variable, port) : error;
  };
}

function isAddressInUse(error: unknown): boolean {
  // node sets the code; grpc-js folds node's message into one of its own
  return (error as { code?: unknown } | null)?.code === 'EADDRINUSE' || (error instanceof Error && error.message.includes('EADDRINUSE'));
}
