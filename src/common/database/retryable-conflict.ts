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

/** Codes of a write that hit a key another row holds (the message names the key). */
const DUPLICATE_KEY_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);

function codeOf(error: unknown): unknown {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  return candidate?.driverError?.code ?? candidate?.code;
}

export function isRetryableConflict(error: unknown): boolean {
  const code = codeOf(error);
  return typeof code === 'string' && CONFLICT_CODES.has(code);
}

/** Whether the conflict is a write onto a key another row holds (rather than a lock or a lost certification). */
export function isDuplicateKey(error: unknown): boolean {
  const code = codeOf(error);
  return typeof code === 'string' && DUPLICATE_KEY_CODES.has(code);
}
