import { randomInt } from 'node:crypto';

/**
 * A new numeric-string id (like `341842094735622148`): milliseconds since 2020 in the high bits,
 * 22 random bits below, so ids sort roughly by creation and two processes do not collide.
 */
export function newNumericId(now = Date.now()): string {
  const epoch = BigInt(now - Date.UTC(2020, 0, 1));
  return ((epoch << 22n) | BigInt(randomInt(0, 1 << 22))).toString();
}
