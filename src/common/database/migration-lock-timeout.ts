/** Start-up gave up waiting for the migration lock: one line naming the lock, its holder and the setting. */
export class MigrationLockTimeout extends Error {
  constructor(holder: { owner: string; expiresAt: string | number } | undefined, waitMs: number) {
    const held = holder ? `is held by ${holder.owner} until ${expiryText(holder.expiresAt)} UTC` : 'could not be claimed';
    super(
      `Cannot start: the migration lock (row 'migrations' of table migrations_lock) ${held}; gave up after ${waitMs / 1000} s (MIGRATIONS_LOCK_WAIT_SECONDS). ` +
        'Another process is migrating the schema, or one that crashed holds it until then.',
    );
    this.name = 'MigrationLockTimeout';
  }
}

/** MySQL gives the expiry as text (UTC), SQLite as epoch milliseconds. */
function expiryText(expiresAt: string | number): string {
  return typeof expiresAt === 'number' ? new Date(expiresAt).toISOString().replace('T', ' ').replace('Z', '') : expiresAt;
}
