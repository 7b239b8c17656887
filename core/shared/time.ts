/** Milliseconds in one hour. */
export const HOUR_MS = 3_600_000;

/** Milliseconds in one day (24 hours; calendar arithmetic is done in UTC throughout the product). */
export const DAY_MS = 86_400_000;
