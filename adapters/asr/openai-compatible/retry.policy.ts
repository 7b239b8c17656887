/** Exponential backoff with a cap; delays in milliseconds. */
export interface BackoffPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): base * 2^(retry-1), capped, with
 * "equal jitter" (between half and all of it) so that workers retrying together spread out.
 * `random` returns a float in [0, 1).
 */
export function computeBackoffMs(policy: BackoffPolicy, retry: number, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/**
 * Reads a Retry-After header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds
 * (0 for a date in the past), or null when absent or unreadable.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
