import { z } from 'zod';
import type { ProviderCallLedger, ReconciledEntry } from '../../core/recordings/provider-call-ledger.port';
import { CallsightError } from '../../core/shared/errors';
import { DAY_MS } from '../../core/shared/time';

/** The longest window one report or reconciliation covers: a quarter, so one run stays bounded. */
export const MAX_COMPLETENESS_WINDOW_MS = 93 * DAY_MS;
/** Gaps listed in one report; the counts cover all of them. */
export const MAX_LISTED_GAPS = 500;

/** The window of a report or reconciliation: `from`, and `to` (default now), ISO-8601 instants. */
export const completenessWindowInput = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/** Why a recorded call is not stored. */
export type CompletenessReason = 'fetching' | 'fetch_failed' | 'not_received';

/** A call the provider recorded that the hub does not hold; provider ids only. */
export interface CompletenessGap {
  readonly provider: string;
  readonly providerCallId: string;
  readonly startedAt: string;
  readonly reason: CompletenessReason;
  readonly pendingId: string | null;
  readonly lastError: string | null;
  readonly attempts: number;
}

/** Expected (recorded at the provider) vs stored in a window, with each gap's reason. */
export interface CompletenessReport {
  readonly from: string;
  readonly to: string;
  readonly providers: readonly string[];
  /** Ledger entries in the window, recorded or not. */
  readonly entries: number;
  readonly expected: number;
  readonly stored: number;
  readonly missing: number;
  /** Provider calls without a recording (not expected in the hub). */
  readonly notRecorded: number;
  readonly rate: number | null;
  readonly byReason: Readonly<Record<CompletenessReason, number>>;
  readonly gaps: readonly CompletenessGap[];
  readonly gapsTruncated: boolean;
}

/**
 * The window as UTC instants in `toISOString` form, `to` not past now. VALIDATION_FAILED when it is empty or longer
 * than MAX_COMPLETENESS_WINDOW_MS.
 */
export function resolveCompletenessWindow(input: z.output<typeof completenessWindowInput>, now: Date): { from: string; to: string } {
  const from = new Date(input.from);
  const to = new Date(Math.min(input.to ? Date.parse(input.to) : now.getTime(), now.getTime()));
  if (from.getTime() >= to.getTime()) {
    throw new CallsightError('VALIDATION_FAILED', 'The window is empty: `from` must be before `to` and before now');
  }
  if (to.getTime() - from.getTime() > MAX_COMPLETENESS_WINDOW_MS) {
    throw new CallsightError('VALIDATION_FAILED', 'The window is longer than 93 days: check a quarter at a time');
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

/** Where a ledger entry stands: stored, not recorded at the provider, or missing for a reason. */
export function standingOf(item: ReconciledEntry, now: string): 'stored' | 'not_recorded' | CompletenessReason {
  if (item.callId) return 'stored';
  if (!item.entry.recorded) return 'not_recorded';
  const pending = item.pending;
  if (pending?.status === 'waiting' && pending.deadlineAt > now) return 'fetching';
  if (pending?.status === 'missing' || pending?.status === 'waiting') return 'fetch_failed';
  return 'not_received';
}

/** Reads the ledger's entries of the window (every page) into a report judged at `now`. */
export async function buildCompletenessReport(
  ledger: Pick<ProviderCallLedger, 'reconcile'>,
  tenantId: string,
  window: { from: string; to: string },
  now: string,
): Promise<CompletenessReport> {
  const providers = new Set<string>();
  const byReason: Record<CompletenessReason, number> = { fetching: 0, fetch_failed: 0, not_received: 0 };
  const gaps: CompletenessGap[] = [];
  let entries = 0;
  let expected = 0;
  let stored = 0;
  let notRecorded = 0;
  let after: string | undefined;
  do {
    const page = await ledger.reconcile(tenantId, window, { limit: 1000, ...(after ? { after } : {}) });
    for (const item of page.items) {
      entries += 1;
      providers.add(item.entry.provider);
      const standing = standingOf(item, now);
      if (standing === 'not_recorded') {
        notRecorded += 1;
        continue;
      }
      if (item.entry.recorded) expected += 1;
      if (standing === 'stored') {
        if (item.entry.recorded) stored += 1;
        continue;
      }
      byReason[standing] += 1;
      if (gaps.length < MAX_LISTED_GAPS) {
        gaps.push({
          provider: item.entry.provider,
          providerCallId: item.entry.providerCallId,
          startedAt: item.entry.startedAt,
          reason: standing,
          pendingId: item.pending?.id ?? null,
          lastError: item.pending?.lastError ?? null,
          attempts: item.pending?.attempts ?? 0,
        });
      }
    }
    after = page.nextCursor ?? undefined;
  } while (after);
  const missing = expected - stored;
  return {
    from: window.from,
    to: window.to,
    providers: [...providers].sort(),
    entries,
    expected,
    stored,
    missing,
    notRecorded,
    rate: expected > 0 ? stored / expected : null,
    byReason,
    gaps,
    gapsTruncated: missing > gaps.length,
  };
}
