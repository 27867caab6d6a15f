import { randomBytes } from 'node:crypto';

/** Random per process: ids of different processes never meet. */
const PROCESS_PART = randomBytes(8).toString('hex');
const PREFIX = `${PROCESS_PART.slice(0, 8)}-${PROCESS_PART.slice(8, 12)}-${PROCESS_PART.slice(12)}-`;
let issued = 0;

/**
 * The id of a request (the `x-request-id` header, the log, an INTERNAL error's RequestInfo), in
 * the shape of a UUID: a random part per process, then a counter. Unique is all a request id
 * needs to be; a random UUID per request cost 2.4% of a read's CPU.
 */
export function nextRequestId(): string {
  issued++;
  const count = issued.toString(16).padStart(16, '0');
  return `${PREFIX}${count.slice(0, 4)}-${count.slice(4)}`;
}
