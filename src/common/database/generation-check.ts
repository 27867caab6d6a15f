/**
 * Asks the database which generation its committed state is at, with one statement for every
 * caller that asks meanwhile: while `maxInFlight` checks are running, callers wait for the next
 * one, which starts as soon as one finishes. A caller is always answered by a check that started
 * after it asked, so the answer covers every commit that finished before it asked, in this process
 * or any other. `undefined` means the state has no generation that can be trusted at the moment.
 */
export class GenerationCheck {
  private inFlight = 0;
  private waiting: ((generation: number | undefined) => void)[] = [];
  private failures: ((error: unknown) => void)[] = [];

  constructor(
    private readonly run: () => Promise<number | undefined>,
    private readonly maxInFlight: number,
  ) {}

  latest(): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.failures.push(reject);
      if (this.inFlight < this.maxInFlight) this.dispatch();
    });
  }

  private dispatch(): void {
    const answered = this.waiting;
    const failed = this.failures;
    this.waiting = [];
    this.failures = [];
    this.inFlight++;
    this.run().then(
      (generation) => {
        for (const resolve of answered) resolve(generation);
        this.finished();
      },
      (error: unknown) => {
        for (const reject of failed) reject(error);
        this.finished();
      },
    );
  }

  private finished(): void {
    this.inFlight--;
    if (this.waiting.length > 0) this.dispatch();
  }
}
