interface PendingCommit<Unit> {
  writes: Unit;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Most units of work committed in one transaction. */
export const MAX_UNITS_PER_BATCH = 64;

/**
 * Commits the writes of units of work that arrive together in one transaction: while
 * `maxInFlight` commits are running, the units that arrive wait, and the next commit carries all
 * of them (one round trip, one `START TRANSACTION … COMMIT`, one log flush). The units are
 * independent: each read its state before, and a unit that read an old state fails on a unique
 * key. When a transaction of several units fails, none of it is kept and every unit is committed
 * again on its own, so each caller gets its own answer: committed, or the error of its own writes.
 */
export class CommitBatcher<Unit> {
  private waiting: PendingCommit<Unit>[] = [];
  private inFlight = 0;

  constructor(
    private readonly commitTogether: (units: Unit[]) => Promise<void>,
    private readonly maxInFlight: number,
    /** A failure that is no unit's own (its node went away): every unit of the transaction gets it, none is committed again on its own. */
    private readonly failsEveryUnit: (error: unknown) => boolean = () => false,
  ) {}

  commit(writes: Unit): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ writes, resolve, reject });
      if (this.inFlight < this.maxInFlight) this.dispatch();
    });
  }

  private dispatch(): void {
    const batch = this.waiting.splice(0, MAX_UNITS_PER_BATCH);
    this.inFlight++;
    this.run(batch).finally(() => {
      this.inFlight--;
      if (this.waiting.length > 0) this.dispatch();
    });
  }

  private async run(batch: PendingCommit<Unit>[]): Promise<void> {
    try {
      await this.commitTogether(batch.map((unit) => unit.writes));
      for (const unit of batch) unit.resolve();
    } catch (error) {
      if (batch.length === 1 || this.failsEveryUnit(error)) {
        for (const unit of batch) unit.reject(error);
        return;
      }
      // one unit's writes failed the whole transaction: commit each on its own
      await Promise.all(
        batch.map((unit) =>
          this.commitTogether([unit.writes]).then(
            () => unit.resolve(),
            (unitError: unknown) => unit.reject(unitError),
          ),
        ),
      );
    }
  }
}
