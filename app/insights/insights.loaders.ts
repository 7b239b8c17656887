import { DEFAULT_DURATION_BAND, type DurationBand } from '../../core/analysis/metrics/conversation.metrics';
import type { Call } from '../../core/recordings/call';
import { CallsightError } from '../../core/shared/errors';
import { DAY_MS } from '../../core/shared/time';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';

/** The range insights read when the query names none: the 30 days before `to`. */
export const DEFAULT_RANGE_DAYS = 30;

/** [from, to) from the query, defaulting to the last 30 days before `to` (default now); VALIDATION_FAILED when empty. */
export function resolveRange(query: { readonly from?: string | undefined; readonly to?: string | undefined }, now: Date): { from: string; to: string } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new CallsightError('VALIDATION_FAILED', 'from must be before to');
  return { from: from.toISOString(), to: to.toISOString() };
}

/** A stable key for "the same customer": the first CRM link, else the phone number; never returned to clients. */
export function customerKeyOf(call: Call): string | null {
  const link = call.crmLinks[0];
  if (link) return `${link.crm}:${link.objectType}:${link.id}`;
  return call.customerPhone;
}

/**
 * The tenant's duration bands from its analysis settings (the bands the analysis judged calls by): `default` and
 * one per inquiry type. Malformed stored bands are ignored; without a default, DEFAULT_DURATION_BAND.
 */
export async function durationBandsOf(
  deps: { readonly transcripts: Pick<TranscriptStore, 'getSettings'> },
  tenantId: string,
): Promise<{ default: DurationBand; byInquiryType: Record<string, DurationBand> }> {
  const stored = (await deps.transcripts.getSettings(tenantId))?.settings.durationBands;
  const bands: Record<string, DurationBand> = {};
  if (stored && typeof stored === 'object') {
    for (const [key, band] of Object.entries(stored as Record<string, unknown>)) {
      const b = band as Partial<DurationBand> | null;
      if (b && typeof b.minS === 'number' && typeof b.maxS === 'number' && b.minS >= 0 && b.minS <= b.maxS) bands[key] = { minS: b.minS, maxS: b.maxS };
    }
  }
  const { default: fallback, ...byInquiryType } = bands;
  return { default: fallback ?? DEFAULT_DURATION_BAND, byInquiryType };
}
