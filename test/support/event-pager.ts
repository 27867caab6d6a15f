import assert from 'node:assert/strict';
import { ServiceProcess } from './service-process.js';

const EVENTS = '/admin/v1/events/_search';

/** An event as ListEvents answers it (the fields the pager tests look at). */
export interface PagedEvent {
  position: string;
  aggregateId: string;
  sequence: string;
  type: string;
}

/** Every event of the instance, paged by position from the start. */
export async function allEvents(service: ServiceProcess, token: string): Promise<PagedEvent[]> {
  const events: PagedEvent[] = [];
  for (let position = 0; ; ) {
    const answer = await service.call('POST', EVENTS, token, { asc: true, position, limit: 1000 });
    assert.equal(answer.status, 200, refusalReport(service, answer.body));
    const page = answer.body.events as PagedEvent[];
    if (page.length === 0) return events;
    events.push(...page);
    position = Number(page[page.length - 1].position);
  }
}

/**
 * A consumer paging ListEvents with `{"asc": true, "position": <last seen>}` through the services
 * in turn, as the README recommends, from `start` until `writing()` says the writers are done and
 * a page comes back empty. Asserts that positions only grow; resolves with every event it saw.
 */
export async function pageEvents(services: ServiceProcess[], token: string, start: number, writing: () => boolean): Promise<PagedEvent[]> {
  const seen: PagedEvent[] = [];
  let position = start;
  for (let page = 0; ; page++) {
    const service = services[page % services.length];
    const answer = await service.call('POST', EVENTS, token, { asc: true, position, limit: 200 });
    assert.equal(answer.status, 200, refusalReport(service, answer.body));
    const events = answer.body.events as PagedEvent[];
    for (const event of events) {
      assert.ok(Number(event.position) > position, `position ${event.position} after ${position}`);
      position = Number(event.position);
    }
    seen.push(...events);
    // once the writers are done, one empty page means the reader has caught up
    if (!writing() && events.length === 0) return seen;
  }
}

/**
 * A refused ListEvents for the failure's report: the answer, and what the process logged about its
 * database and its event sequencer (a 503 there comes from a sequencer pass that kept failing, and
 * the log names the last error).
 */
function refusalReport(service: ServiceProcess, body: unknown): string {
  const logged = service
    .output()
    .split('\n')
    .filter((line) => /"context":"(Database|EventSequencer)"|\[(Database|EventSequencer)\]/.test(line))
    .slice(-12);
  return `${JSON.stringify(body)}\nthe process's last database and sequencer log lines:\n${logged.join('\n') || '(none)'}`;
}
