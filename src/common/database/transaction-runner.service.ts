import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isRetryableConflict } from './retryable-conflict.js';
import { Transaction } from './transaction.js';

const MAX_ATTEMPTS = 12;

/**
 * Runs a unit of work in one transaction. A command reads state, checks it, appends events with
 * the next sequences and updates projections; when another writer (in this or another process)
 * committed first, the unique keys make the commit fail and the whole unit runs again from a
 * fresh read, so the answer is the one the new state implies (e.g. 409 instead of a duplicate).
 *
 * The embedded SQLite database has one connection per process, so units run one at a time
 * there; otherwise a read outside a transaction could see another unit's uncommitted rows.
 */
@Injectable()
export class TransactionRunner {
  private readonly logger = new Logger(TransactionRunner.name);
  private readonly serial: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type !== 'mysql';
  }

  async run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(work);
      } catch (error) {
        if (!isRetryableConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
        this.logger.debug(`write conflict (attempt ${attempt}), running the unit again`);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  private once<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (!this.serial) return this.dataSource.transaction(work);
    const next = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = next.catch(() => undefined);
    return next;
  }
}
