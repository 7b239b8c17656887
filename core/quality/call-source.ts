/**
 * Reading many calls through the CallRepository port, page by page, with the access scope inside the query.
 * Quality aggregates (KPIs, sampling, segments) read whole months; the cap keeps one request bounded.
 */
import type { Call } from '../recordings/call';
import type { CallFilter, CallRepository, CallScope } from '../recordings/call-repository.port';
import { CallsightError } from '../shared/errors';

/** Upper bound on the calls one aggregate reads; beyond it the caller gets a clear error, not a silent cut. */
export const MAX_AGGREGATE_CALLS = 200_000;
const PAGE = 500;

/**
 * All calls matching `filter` within `scope`, newest first. Throws VALIDATION_FAILED when more than `max`
 * calls match, naming the remedy (a shorter range), so an aggregate is never computed on a truncated set.
 */
export async function collectCalls(
  calls: Pick<CallRepository, 'listCalls'>,
  tenantId: string,
  filter: CallFilter,
  scope: CallScope,
  max = MAX_AGGREGATE_CALLS,
): Promise<Call[]> {
  const out: Call[] = [];
  let cursor: string | undefined;
  do {
    const page = await calls.listCalls(tenantId, filter, scope, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    if (out.length > max) throw new CallsightError('VALIDATION_FAILED', `more than ${max} calls in the range; ask for a shorter range`);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The UTC month YYYY-MM as [from, to) ISO instants; VALIDATION_FAILED on another shape. */
export function monthRange(period: string): { readonly from: string; readonly to: string } {
  if (!PERIOD_PATTERN.test(period)) throw new CallsightError('VALIDATION_FAILED', 'period must be a month as YYYY-MM, e.g. 2026-03');
  const [year, month] = period.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(year, month - 1, 1)).toISOString(), to: new Date(Date.UTC(year, month, 1)).toISOString() };
}
