import { closeSync, openSync, readSync } from 'node:fs';

/** The wal-index header is kept twice (bytes 0–47 and 48–95 of the `-shm` file); a writer updates both. */
const HEADER_BYTES = 48;

/**
 * Tells whether anything was committed to a WAL-mode SQLite database since an earlier look, by
 * any connection of any process, for the price of one `pread`: the wal-index header in the
 * database's `-shm` file changes with every commit (its change counter, last frame and salts; see
 * SQLite's "WAL-mode File Formats"). Readers use it to decide whether cached results still hold.
 */
export class SqliteChangeMarker {
  private readonly buffer = Buffer.alloc(2 * HEADER_BYTES);

  private constructor(private readonly fd: number) {}

  /** A marker for the database file, or undefined when it has no `-shm` file (not in WAL mode). */
  static open(databaseFile: string): SqliteChangeMarker | undefined {
    try {
      return new SqliteChangeMarker(openSync(`${databaseFile}-shm`, 'r'));
    } catch {
      return undefined;
    }
  }

  /**
   * The current header, or undefined while it is being rewritten (its two copies differ) or
   * cannot be read: then nothing may be taken from a cache.
   */
  current(): Buffer | undefined {
    try {
      if (readSync(this.fd, this.buffer, 0, this.buffer.length, 0) !== this.buffer.length) return undefined;
    } catch {
      return undefined;
    }
    const first = this.buffer.subarray(0, HEADER_BYTES);
    return first.equals(this.buffer.subarray(HEADER_BYTES)) ? first : undefined;
  }

  close(): void {
    closeSync(this.fd);
  }
}
