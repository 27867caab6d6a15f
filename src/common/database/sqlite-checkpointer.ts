import { Logger } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How long after a commit the next checkpoint runs: the commits of that time share it. */
const CHECKPOINT_DELAY_MS = 100;
/** SQLite's own interval (WAL pages), set again on the writer when the worker fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** How long closing waits for the worker's last checkpoint. */
const CLOSE_TIMEOUT_MS = 5000;

/** The worker and how long closing waits for it; the defaults are the service's (a test swaps in a worker that never answers). */
export interface CheckpointerOptions {
  closeTimeoutMs?: number;
  workerScript?: string;
}

/**
 * The worker: its own connection to the database; on `checkpoint` a PASSIVE checkpoint (copies
 * what the WAL holds into the database file without waiting for, or holding up, the writer and
 * the readers), on `close` a last one, then it closes. Plain JavaScript evaluated as the worker's
 * script, so it needs no file of its own beside the bundle.
 */
const WORKER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
parentPort.on('message', (message) => {
  db.pragma('wal_checkpoint(PASSIVE)');
  if (message !== 'close') return parentPort.postMessage('checkpointed');
  db.close();
  parentPort.postMessage('closed');
  parentPort.close();
});
`;

/**
 * Runs the WAL's checkpoints in a worker thread, off the writer: SQLite's automatic checkpoint runs
 * inside the COMMIT that crosses 1,000 WAL pages, on the writer's thread, and copying those pages
 * into the database file (and syncing both) was most of what a commit cost (a standalone test:
 * 42–54 µs a unit of work with it, 21 µs without). Here the writer commits only, and a checkpoint
 * runs on the worker's connection shortly after commits (one for all the commits of
 * CHECKPOINT_DELAY_MS); an idle database sees none.
 *
 * Durability does not change: a commit is in the WAL, with the writer's synchronous level, before
 * its caller is answered, whether or not a checkpoint has copied it since. Started on the first
 * commit, so a process that only reads has no worker. When the worker fails, the writer goes
 * back to SQLite's automatic checkpoints, so the WAL never grows without bound.
 */
export class SqliteCheckpointer {
  private readonly logger = new Logger('SqliteCheckpointer');
  private worker?: Worker;
  private timer?: NodeJS.Timeout;
  /** A checkpoint was asked for and has not ended: the next is asked for only after it. */
  private running = false;
  /** A commit happened while a checkpoint ran. */
  private committedSince = false;
  private failed = false;
  private closing = false;

  private readonly closeTimeoutMs: number;
  private readonly workerScript: string;

  constructor(
    private readonly file: string,
    private readonly writer: Database,
    options: CheckpointerOptions = {},
  ) {
    this.closeTimeoutMs = options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
    this.workerScript = options.workerScript ?? WORKER_SCRIPT;
  }

  /** A commit happened: a checkpoint follows within CHECKPOINT_DELAY_MS (after the running one ends). */
  committed(): void {
    if (this.running) this.committedSince = true;
    if (this.timer !== undefined || this.running || this.failed || this.closing) return;
    if (this.worker === undefined) this.start();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = true;
      this.worker?.postMessage('checkpoint');
    }, CHECKPOINT_DELAY_MS);
    this.timer.unref();
  }

  private checkpointed(): void {
    this.running = false;
    if (!this.committedSince) return;
    this.committedSince = false;
    this.committed();
  }

  /** A last checkpoint of what was committed, then the worker ends (the writer closes after). */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const worker = this.worker;
    if (worker === undefined || this.failed) return;
    // held (the worker is unreferenced while it runs) so the process waits for its last checkpoint
    worker.ref();
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<boolean>((resolve) => {
      worker.once('exit', () => resolve(true));
      worker.on('message', (message) => message === 'closed' && resolve(true));
      timer = setTimeout(() => resolve(false), this.closeTimeoutMs);
    });
    worker.postMessage('close');
    if (!(await ended)) this.logger.warn(`the last checkpoint did not end within ${this.closeTimeoutMs} ms: the WAL keeps what it did not copy (nothing committed is lost)`);
    clearTimeout(timer);
    await worker.terminate();
  }

  private start(): void {
    this.writer.pragma('wal_autocheckpoint = 0');
    const driver = createRequire(__filename).resolve('better-sqlite3');
    const worker = new Worker(this.workerScript, { eval: true, workerData: { driver, file: this.file } });
    worker.unref();
    worker.on('message', (message) => message === 'checkpointed' && this.checkpointed());
    worker.on('error', (error) => this.fallBack(error));
    worker.on('exit', (code) => {
      if (!this.closing) this.fallBack(new Error(`the checkpoint worker exited with code ${code}`));
    });
    this.worker = worker;
  }

  /** The worker is gone: SQLite's automatic checkpoints again, on the writer. */
  private fallBack(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.worker = undefined;
    try {
      this.writer.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // the writer is closed already: nothing left to checkpoint for
    }
    this.logger.warn(`checkpoints run on the writer again (every ${SQLITE_AUTOCHECKPOINT_PAGES} WAL pages): ${error.message}`);
  }
}
