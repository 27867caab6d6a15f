/** Error codes of the drivers that mean "the database cannot be reached", not "a bug". */
const DATABASE_UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  // the server ended the connection (a node shutting down or leaving a Galera cluster)
  'ER_CONNECTION_KILLED',
  // errno 1047 on a Galera node that is not ready yet (joining, or cut off from the cluster's majority)
  'ER_UNKNOWN_COM_ERROR',
  // errno 1180: the commit did not happen (on Galera: the node lost the cluster's majority as it replicated the write set)
  'ER_ERROR_DURING_COMMIT',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
]);

/**
 * Whether `error` says the database (on MySQL: the node the statement went to) cannot be reached
 * or cannot serve now: answered 503 / code 14, and the cue for a failover pool to move to another host.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  // mysql2 marks an error of a connection that is gone `fatal` (`Can't add new command when connection is in closed state` has no code)
  return (typeof code === 'string' && DATABASE_UNAVAILABLE_CODES.has(code)) || (error as { fatal?: unknown } | null | undefined)?.fatal === true;
}
