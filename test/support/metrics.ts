import assert from 'node:assert/strict';

/** The current value of a Prometheus metric of the service at `baseUrl`: `name`, or `name{label="value"}` with its labels as written. */
export async function readMetric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/debug/metrics`)).text();
  const match = new RegExp(`^${name.replace(/[{}"\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  assert.ok(match, `metric ${name} is exposed`);
  return Number(match[1]);
}
