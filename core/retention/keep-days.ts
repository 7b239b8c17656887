/**
 * Calendar periods turned into whole days without ever under-keeping: a period of n months is the longest
 * run of n consecutive calendar months (6 months = 184 days, Jul-Dec; 1 year = 366; 3 years = 1096;
 * 5 years = 1827), and due dates are rounded up to the next UTC midnight.
 */

import { DAY_MS } from '../shared/time';

/** The most days any n consecutive calendar months can span (checked over a full 4-year leap cycle). */
export function keepDaysForMonths(months: number): number {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`keepDaysForMonths: months must be a positive integer, got ${months}`);
  let longest = 0;
  for (let start = 0; start < 48; start++) {
    const days = (Date.UTC(2000, start + months, 1) - Date.UTC(2000, start, 1)) / DAY_MS;
    if (days > longest) longest = days;
  }
  return longest;
}

/** keepDaysForMonths(12 * years): 1 -> 366, 3 -> 1096, 5 -> 1827. */
export function keepDaysForYears(years: number): number {
  return keepDaysForMonths(12 * years);
}

/** Milliseconds of the first UTC midnight at or after `ms`. */
export function ceilUtcDay(ms: number): number {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}

/**
 * When a call started at `startedMs` has been kept `days` whole days: the first UTC midnight at or after
 * startedMs + days * 24 h. A call is never due before it has been kept the full period.
 */
export function dueAfterDays(startedMs: number, days: number): number {
  return ceilUtcDay(startedMs + days * DAY_MS);
}
