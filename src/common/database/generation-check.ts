/** A check not started yet, and the promise its callers share. */
interface NextCheck {
  promise: Promise<number | undefined>;
  resolve: (generation: number | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Asks the database which generation its committed state is at, with one statement for every
 * caller that asks meanwhile: while `maxInFlight` checks are running, callers wait for the next
 * one, which starts as soon as one finishes. A caller is always answered by a check that started
 * after it asked, so the answer covers every commit that finished before it asked, in this process
 * or any other. `undefined` means the state has no generation that can be trusted at the moment.
 * The callers of one check share one promise (the read path asks once per read).
 */
export class GenerationCheck {
  private inFlight = 0;
  private next?: NextCheck;

  constructor(
    private readonly run: () => Promise<number | undefined>,
    private readonly maxInFlight: number,
  ) {}

  latest(): Promise<number | undefined> {
    let next = this.next;
    if (next === undefined) {
      let resolve!: NextCheck['resolve'];
      let reject!: NextCheck['reject'];
      const promise = new Promise<number | undefined>((settle, fail) => {
        resolve = settle;
        reject = fail;
      });
      this.next = next = { promise, resolve, reject };
      if (this.inFlight < this.maxInFlight) this.dispatch();
    }
    return next.promise;
  }

  private dispatch(): void {
    const check = this.next as NextCheck;
    this.next = undefined;
    this.inFlight++;
    this.run().then(
      (generation) => {
        check.resolve(generation);
        this.finished();
      },
      (error: unknown) => {
        check.reject(error);
        this.finished();
      },
    );
  }

  private finished(): void {
    this.inFlight--;
    if (this.next !== undefined) this.dispatch();
  }
}
