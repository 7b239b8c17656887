import { z } from 'zod';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { idSchema } from '../../core/shared/ids';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { analyzeStoredCall, type AnalyzeCallPorts } from './analysis.pipeline';

/** The ports of analyzeCall. */
export interface AnalyzeCallDeps extends AnalyzeCallPorts {
  readonly calls: Pick<CallRepository, 'getCall'>;
}

/** What an analysis run did: `skipped` when the call is gone; else the flags and risk it found. */
export interface AnalyzeCallOutcome {
  readonly skipped: 'call_gone' | null;
  readonly flags?: number;
  readonly risk?: number;
}

/**
 * Analyses (or re-analyses) one call's stored transcript with the tenant's saved settings as every process
 * sees them now, storing the analysis, the flag index and the redacted audio copy. The `call.analyze` job and
 * any re-analysis run this. TRANSCRIPT_NOT_FOUND when the call has no transcript; nothing for a deleted call.
 * System only.
 */
export const analyzeCall = defineUseCase({
  name: 'analysis.analyze-call',
  action: 'analyze_call',
  permission: 'system',
  input: z.object({ callId: idSchema }),
  invalidInput: 'Invalid analysis job',
  target: (input) => `call:${input.callId}`,
  async run({ deps, actor, input }: { deps: AnalyzeCallDeps; actor: Actor; input: { callId: string } }): Promise<AnalyzeCallOutcome> {
    const call = await deps.calls.getCall(actor.tenantId, input.callId, { kind: 'all' });
    if (!call || call.status === 'deleted') return { skipped: 'call_gone' };
    const analysis = await analyzeStoredCall(deps, call);
    return { skipped: null, flags: analysis.flags.length, risk: analysis.risk };
  },
  audited: (output) =>
    output.skipped ? { reason: output.skipped } : { details: { flags: output.flags ?? 0, risk: output.risk ?? 0 } },
});
