/** Protobuf JSON mapping of the scalar types we emit (SPEC §4). */

/** uint64 is written as a decimal string. */
export function uint64(value: number): string {
  return String(value);
}

/** Timestamps are RFC 3339 UTC with milliseconds: `2024-06-13T06:44:37.642Z`. */
export function timestamp(value: Date): string {
  return value.toISOString();
}

/** The largest duration protobuf allows, in seconds (10,000 years). */
export const MAX_DURATION_SECONDS = 315_576_000_000;

/** Durations are written as seconds strings: `64800s`. */
export function duration(seconds: number): string {
  return `${seconds}s`;
}

/**
 * Seconds of a JSON duration (`"64800s"`, `"3.000s"`). Only whole seconds are stored, so a
 * fractional part must be zero; undefined when the text is not such a duration.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,12})(?:\.(0{1,9}))?s$/.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  return seconds <= MAX_DURATION_SECONDS ? seconds : undefined;
}
