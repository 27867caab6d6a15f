/**
 * For tests whose load is their point (fuzz, outages, crashes, many writers): the rate limit stays
 * on, so its code runs on every call, but far above what they send, so no answer depends on timing.
 */
export const LIMIT_NEVER_MET = { RATE_LIMIT_PER_SECOND: '10000000' } as const;
