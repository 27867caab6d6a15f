import { StoredEvent } from './event-replay.js';

const MGMT = '/management/v1/policies/login';
const OTP_SMS = 4;
/** How long a write waits for its answer by default before it counts as no answer. */
const ANSWER_TIMEOUT_MS = 10_000;

/** One write of the load and what came of it. */
export interface WriteOutcome {
  org: string;
  change: 'added' | 'removed';
  /** HTTP status, or undefined when no answer came (connection refused or cut, timeout). */
  status?: number;
  body?: any;
  /** `performance.now()` when sent and when answered. */
  sentAt: number;
  answeredAt: number;
}

/**
 * Adds and removes OTP_SMS on each org, one writer per org, all writers at once, until stopped,
 * keeping every outcome. A writer moves on to the opposite change after a 200 or after the
 * answer that says its change is already there (409 on an add, 404 on a remove); after any other
 * answer (503, no answer) it tries the same change again, as a client retrying would.
 */
export class FactorWriteLoad {
  readonly outcomes: WriteOutcome[] = [];
  private running = false;
  private writers: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly orgs: string[],
    /** How long a write waits for its answer before it counts as no answer. */
    readonly answerTimeoutMs = ANSWER_TIMEOUT_MS,
  ) {}

  start(): void {
    this.running = true;
    this.writers = this.orgs.map((org) => this.write(org));
  }

  /** Stops the writers and waits for the writes in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.writers);
  }

  /** The writes answered 2xx: what the service promised to keep. */
  acknowledged(): WriteOutcome[] {
    return this.outcomes.filter((outcome) => outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300);
  }

  private async write(org: string): Promise<void> {
    let change: WriteOutcome['change'] = 'added';
    while (this.running) {
      const outcome = await this.send(org, change);
      this.outcomes.push(outcome);
      const settled = outcome.status === 200 || (change === 'added' ? outcome.status === 409 : outcome.status === 404);
      if (settled) change = change === 'added' ? 'removed' : 'added';
      // no busy loop against a service that is down
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async send(org: string, change: WriteOutcome['change']): Promise<WriteOutcome> {
    const sentAt = performance.now();
    const headers = { authorization: `Bearer ${this.token}`, 'x-zitadel-orgid': org, 'content-type': 'application/json' };
    try {
      const response =
        change === 'added'
          ? await fetch(`${this.url}${MGMT}/second_factors`, { method: 'POST', headers, body: JSON.stringify({ type: OTP_SMS }), signal: AbortSignal.timeout(this.answerTimeoutMs) })
          : await fetch(`${this.url}${MGMT}/second_factors/${OTP_SMS}`, { method: 'DELETE', headers, signal: AbortSignal.timeout(this.answerTimeoutMs) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text, which the test reports
      }
      return { org, change, status: response.status, body, sentAt, answeredAt: performance.now() };
    } catch {
      return { org, change, sentAt, answeredAt: performance.now() };
    }
  }
}

/**
 * The acknowledged writes that have no event: for each, the event of its change must be stored
 * under the org and the sequence its answer named.
 */
export function lostWrites(acknowledged: WriteOutcome[], events: StoredEvent[]): WriteOutcome[] {
  const stored = new Set(events.map((event) => `${event.aggregateId}/${event.sequence}/${event.type}/${event.payload.mfaType}`));
  return acknowledged.filter((write) => !stored.has(`${write.org}/${write.body?.details?.sequence}/org.policy.login.secondfactor.${write.change}/${OTP_SMS}`));
}

/** Answers counted by status (`503/code 14`, `200`, `no answer`), for the figures a test prints. */
export function answersByStatus(answers: { status?: number; body?: any }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer.status === undefined ? 'no answer' : answer.status >= 400 ? `${answer.status}/code ${answer.body?.code}` : String(answer.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function describeWrite(write: WriteOutcome): string {
  return `${write.change} on ${write.org}: ${write.status ?? 'no answer'} ${JSON.stringify(write.body)?.slice(0, 200)}`;
}
