import { z } from 'zod';
import { FETCH_RECORDING_JOB, type PendingRecordingStore } from '../../core/recordings/pending-recording.port';
import {
  hasAudio,
  type ListedProviderCall,
  type ListedProviderRecording,
  type ListWindow,
  type ProviderCallList,
  type ProviderListPage,
} from '../../core/recordings/provider-call-list.port';
import type { ProviderCallEntry, ProviderCallLedger } from '../../core/recordings/provider-call-ledger.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { isCallsightError } from '../../core/shared/errors';
import { DAY_MS } from '../../core/shared/time';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { buildCompletenessReport, resolveCompletenessWindow, standingOf, type CompletenessReport } from './completeness.views';
import { fetchJobId, type RecordingFetchPolicy } from './recordings.ports';

/** The window to reconcile and whether to queue fetches of what is missing (default yes). */
export const reconcileCompletenessInput = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }).optional(),
    fetch: z.boolean().default(true),
  })
  .strict();
export type ReconcileCompletenessInput = z.input<typeof reconcileCompletenessInput>;

/** What one provider account's listing did. */
export interface CompletenessSource {
  readonly provider: string;
  readonly accountId: string;
  readonly status: 'listed' | 'failed';
  readonly calls: number;
  readonly recordings: number;
  readonly newEntries: number;
  readonly error: string | null;
}

/** The report after the run, with what the listings did and how many fetches were queued. */
export interface ReconciliationOutcome extends CompletenessReport {
  readonly sources: readonly CompletenessSource[];
  readonly queued: number;
}

type Deps = {
  readonly ledger: Pick<ProviderCallLedger, 'record' | 'reconcile' | 'accountsOf'>;
  /** The providers whose lists the hub reads itself (Twilio); Connect and PBX sources write the ledger as they go. */
  readonly lists: { listsFor(): readonly ProviderCallList[] };
  readonly pending: Pick<PendingRecordingStore, 'accept'>;
  readonly policy: RecordingFetchPolicy;
  readonly clock: Clock;
  readonly ids: IdGenerator;
};

/** Listing failures that leave the ledger as it was and are reported per account rather than failing the run. */
const REPORTED_CODES = new Set(['UPSTREAM_FAILED', 'NOT_FOUND']);

/**
 * The completeness check (issue 19 item 4; `callsight completeness`, the daily job): lists each linked provider
 * account's own calls and recordings for the window (Twilio's Calls and Recordings APIs; Connect contact records and
 * PBX CDR rows are in the ledger already, written as they arrive), records them in the ledger, and compares them with
 * the stored calls. A recorded call the hub does not hold and whose recording the provider has is queued in the
 * pending-recordings inbox, where the `recordings.fetch` job downloads it with backoff (idempotent: a call queued or
 * stored already is left alone); the others are reported with their reason. A provider that fails mid-listing is
 * reported as `failed` for that account and the run goes on with what the ledger holds. Admins and the system only;
 * VALIDATION_FAILED for an empty window or one longer than 93 days.
 */
export const reconcileCompleteness = defineUseCase({
  name: 'recordings.reconcile-completeness',
  action: 'reconcile_completeness',
  permission: 'ingest',
  forbidden: 'Only admins may reconcile recording completeness',
  input: reconcileCompletenessInput,
  invalidInput: 'Invalid completeness window',
  target: () => 'recordings:completeness',
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof reconcileCompletenessInput>>): Promise<ReconciliationOutcome> {
    const tenantId = actor.tenantId;
    const now = deps.clock.now();
    const window = resolveCompletenessWindow(input, now);
    const sources: CompletenessSource[] = [];
    /** Recordings with audio by (provider, call id), with the account that lists them: what can be fetched. */
    const fetchable = new Map<string, { recordingId: string; accountId: string }>();

    for (const list of deps.lists.listsFor()) {
      for (const accountId of await deps.ledger.accountsOf(tenantId, list.provider)) {
        try {
          const listed = await listAccount(list, accountId, window, now);
          for (const r of listed.recordings) {
            if (hasAudio(r)) fetchable.set(keyOf(list.provider, r.providerCallId), { recordingId: r.recordingId, accountId });
          }
          const newEntries = await deps.ledger.record(entriesOf(tenantId, list.provider, listed), now.toISOString());
          sources.push({ provider: list.provider, accountId, status: 'listed', calls: listed.calls.length, recordings: listed.recordings.length, newEntries, error: null });
        } catch (error) {
          if (!isCallsightError(error) || !REPORTED_CODES.has(error.code)) throw error;
          sources.push({ provider: list.provider, accountId, status: 'failed', calls: 0, recordings: 0, newEntries: 0, error: error.code });
        }
      }
    }

    let queued = 0;
    if (input.fetch) {
      let after: string | undefined;
      do {
        const page = await deps.ledger.reconcile(tenantId, window, { limit: 1000, ...(after ? { after } : {}) });
        for (const item of page.items) {
          if (standingOf(item, now.toISOString()) !== 'not_received') continue;
          const source = fetchable.get(keyOf(item.entry.provider, item.entry.providerCallId));
          if (!source) continue;
          if (await queueFetch(deps, tenantId, item.entry, source, now)) queued += 1;
        }
        after = page.nextCursor ?? undefined;
      } while (after);
    }

    const report = await buildCompletenessReport(deps.ledger, tenantId, window, now.toISOString());
    return { ...report, sources, queued };
  },
  audited: (out) => ({
    details: {
      expected: out.expected,
      stored: out.stored,
      missing: out.missing,
      queued: out.queued,
      failedSources: out.sources.filter((s) => s.status === 'failed').length,
    },
  }),
});

function keyOf(provider: string, providerCallId: string): string {
  return `${provider}\u0000${providerCallId}`;
}

/**
 * Every call and recording the account lists for the window. Recordings are created when the call ends, so they are
 * listed until a day past the window's end (not past now) to catch a call that started just before it.
 */
async function listAccount(
  list: ProviderCallList,
  accountId: string,
  window: ListWindow,
  now: Date,
): Promise<{ calls: ListedProviderCall[]; recordings: ListedProviderRecording[] }> {
  const calls = await allPages((page) => list.callsPage(accountId, window, page));
  const recordingWindow = { from: window.from, to: new Date(Math.min(Date.parse(window.to) + DAY_MS, now.getTime() + 1)).toISOString() };
  const recordings = await allPages((page) => list.recordingsPage(accountId, recordingWindow, page));
  return { calls, recordings };
}

async function allPages<T>(read: (page: string | null) => Promise<ProviderListPage<T>>): Promise<T[]> {
  const items: T[] = [];
  let page: string | null = null;
  do {
    const result: ProviderListPage<T> = await read(page);
    items.push(...result.items);
    page = result.next;
  } while (page !== null);
  return items;
}

/**
 * Ledger entries of a listing: each completed call that started in the window, recorded when a recording with audio
 * (completed or still processing) belongs to it. Calls that never connected (busy, no answer, cancelled, failed) or
 * are still going are not expected in the hub and are left out.
 */
function entriesOf(
  tenantId: string,
  provider: string,
  listed: { calls: readonly ListedProviderCall[]; recordings: readonly ListedProviderRecording[] },
): ProviderCallEntry[] {
  const recorded = new Set(listed.recordings.filter(hasAudio).map((r) => r.providerCallId));
  return listed.calls
    .filter((c): c is ListedProviderCall & { startedAt: string } => c.status === 'completed' && c.startedAt !== null)
    .map((c) => ({ tenantId, provider, providerCallId: c.providerCallId, startedAt: c.startedAt, recorded: recorded.has(c.providerCallId), source: `${provider}-api` }));
}

/** Queues one fetch in the pending-recordings inbox with its first job; false when one was there already. */
async function queueFetch(
  deps: Pick<Deps, 'pending' | 'policy' | 'ids'>,
  tenantId: string,
  entry: ProviderCallEntry,
  source: { recordingId: string; accountId: string },
  now: Date,
): Promise<boolean> {
  const id = deps.ids.newId('pr');
  const firstAttempt = new Date(now.getTime() + deps.policy.firstDelayMs).toISOString();
  const { created } = await deps.pending.accept(
    {
      tenantId,
      id,
      provider: entry.provider,
      providerCallId: entry.providerCallId,
      recordingId: source.recordingId,
      accountId: source.accountId,
      receivedAt: now.toISOString(),
      nextAttemptAt: firstAttempt,
      deadlineAt: new Date(now.getTime() + deps.policy.windowMs).toISOString(),
    },
    { id: fetchJobId(id, 1), tenantId, kind: FETCH_RECORDING_JOB, payload: { pendingId: id }, runAt: firstAttempt },
  );
  return created;
}
