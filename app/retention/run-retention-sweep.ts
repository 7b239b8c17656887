import { z } from 'zod';
import { buildHoldIndex, compileRetentionPolicy, createRetentionPlanner } from '../../core/retention';
import { CallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { archiveCall, recentThaws, retentionSubject } from './retention.archive';
import { requireTenant, type RetentionPorts } from './retention.ports';
import { completePendingDeletions, shredCall, SWEEP_ACTOR } from './retention.shredding';
import { loadPolicyView, type SweepOutcome } from './retention.views';

type Deps = Pick<RetentionPorts, 'store' | 'calls' | 'clock' | 'ids' | 'auditLog' | 'audio' | 'archive' | 'journal' | 'purgeDerived' | 'sweeps' | 'settings'>;

/** Called after each call with the calls done so far and the tenant's total. */
export type SweepProgress = (processed: number, total: number) => void;

const isAbortSignal = (value: unknown): value is AbortSignal =>
  typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean' && typeof (value as AbortSignal).addEventListener === 'function';

/**
 * How a caller steers a sweep: `signal` stops it between two calls (what a killed process leaves behind: the
 * next run resumes), `onProgress` reports. Over HTTP the body is empty; neither can be sent as JSON.
 */
export const sweepControlSchema = z
  .object({
    signal: z.custom<AbortSignal>(isAbortSignal, 'must be an AbortSignal').optional(),
    onProgress: z.custom<SweepProgress>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict()
  .optional();
export type SweepControl = NonNullable<z.input<typeof sweepControlSchema>>;

/**
 * Applies the policy to every call of the actor's tenant now: archives and deletes (crypto-shreds) what is due,
 * never a held call. Resumable and idempotent: it first finishes deletions an interruption left half done, then
 * continues an unfinished sweep after its last checkpoint with the same decision instant; every per-call step is
 * idempotent, so calls redone after an interruption end in the same state. An interrupted run answers
 * `completed: false`. CONFLICT while another sweep of the tenant runs in this process; NOT_FOUND for a tenant not
 * configured on this hub. Run by the schedule, `callsight retention run` and `POST /api/v1/retention/sweep` (admins).
 */
export const runRetentionSweep = defineUseCase({
  name: 'retention.sweep',
  action: 'retention_sweep',
  permission: 'change_settings',
  input: sweepControlSchema,
  async run({ deps, actor, input }: UseCaseContext<Deps, SweepControl | undefined>): Promise<SweepOutcome> {
    const tenantId = actor.tenantId;
    await requireTenant(deps.calls, tenantId);
    if (!deps.sweeps.acquire(tenantId)) throw new CallsightError('CONFLICT', 'A retention sweep is already running for this tenant');
    try {
      return await sweepTenant(deps, tenantId, input ?? {});
    } finally {
      deps.sweeps.release(tenantId);
    }
  },
  audited: (outcome) => ({
    target: `retention_sweep:${outcome.sweepId}`,
    details: { decidedAt: outcome.decidedAt, processed: outcome.processed, ...outcome.counts, policyVersion: outcome.policyVersion, resumed: outcome.resumed, completed: outcome.completed },
  }),
});

async function sweepTenant(deps: Deps, tenantId: string, control: SweepControl): Promise<SweepOutcome> {
  const completedPending = await completePendingDeletions(deps, tenantId);
  let record = await deps.store.openSweep(tenantId);
  const resumed = record !== null;
  if (record === null) {
    const startedAt = deps.clock.now().toISOString();
    record = await deps.store.startSweep(tenantId, deps.ids.newId('sweep'), startedAt, startedAt);
  }
  const sweep = record;
  const now = new Date(sweep.decidedAt);
  const view = await loadPolicyView(deps, tenantId);
  // Holds are read afresh on every run, so a hold placed while a sweep was interrupted is honoured.
  const holds = buildHoldIndex(await deps.store.unreleasedHolds(tenantId), now);
  const planner = createRetentionPlanner(compileRetentionPolicy(view.policy), holds, now, { sampleLimit: 0 });
  const thawed = await recentThaws(deps, tenantId, now);
  const counts = { keep: 0, archive: 0, delete: 0, held: 0, ...sweep.counts };
  let processed = sweep.processed;
  let cursor = sweep.cursorId;
  const total = await deps.store.countCalls(tenantId);
  const outcome = (completed: boolean) => ({
    tenantId, sweepId: sweep.id, decidedAt: sweep.decidedAt, resumed, completed, processed, counts: { ...counts }, completedPending, policyVersion: view.version,
  });

  for (;;) {
    const page = await deps.store.callsAfter(tenantId, cursor, deps.settings.pageSize);
    for (const call of page) {
      // Stop between calls, before the page is checkpointed: exactly what a killed process leaves behind.
      if (control.signal?.aborted) return outcome(false);
      const decision = planner.add(retentionSubject(call, thawed));
      if (decision.action === 'delete') await shredCall(deps, call, { basis: 'policy', ruleId: decision.ruleId, actor: SWEEP_ACTOR, role: null }, 'live');
      else if (decision.action === 'archive') await archiveCall(deps, call, decision);
      counts[decision.action]++;
      processed++;
      control.onProgress?.(processed, total);
    }
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    await deps.store.checkpointSweep(tenantId, sweep.id, cursor, processed, counts);
    if (page.length < deps.settings.pageSize) break;
  }
  await deps.store.finishSweep(tenantId, sweep.id, deps.clock.now().toISOString(), processed, counts);
  return outcome(true);
}
