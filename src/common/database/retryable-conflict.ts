/** Driver error codes that mean "another writer got there first; run the command again". */
const CONFLICT_CODES = new Set([
  'ER_DUP_ENTRY',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
]);

export function isRetryableConflict(error: unknown): boolean {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' && CONFLICT_CODES.has(code);
}
