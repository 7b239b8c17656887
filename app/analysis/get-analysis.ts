import { z } from 'zod';
import type { CallAnalysis } from '../../core/analysis/analyze-transcript';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { CallsightError } from '../../core/shared/errors';
import type { Actor } from '../shared/actor';
import { allow, defineUseCase, deny } from '../shared/use-case';
import { callNotFound, callTarget, findCallInScope, transcriptMask } from './analysis.access';

/** The ports of getAnalysis. */
export interface GetAnalysisDeps {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalysis'>;
}

/** A call's analysis as served: everything but the redacted segments, with whether the reader sees PII masked. */
export type AnalysisView = Omit<CallAnalysis, 'redactedSegments'> & { readonly callId: string; readonly masked: boolean };

/**
 * Reads a call's analysis (sensitive words, scripts, PII positions, metrics, emotion, flags, risk). The redacted
 * segments are the transcript in another form and are served through getTranscript only. Out of scope or
 * missing: CALL_NOT_FOUND; not analysed yet: ANALYSIS_NOT_FOUND.
 */
export const getAnalysis = defineUseCase({
  name: 'analysis.get-analysis',
  action: 'view_transcript',
  permission: 'view_transcript',
  input: z.object({ id: z.string() }),
  target: (input) => callTarget(input.id),
  async authorize({ deps, actor, input }: { deps: GetAnalysisDeps; actor: Actor; input: { id: string } }) {
    const call = await findCallInScope(deps.calls, actor, 'view_transcript', input.id);
    if (!call) return deny('not_found_or_out_of_scope', callNotFound());
    const analysis = await deps.transcripts.getAnalysis(actor.tenantId, call.id);
    if (!analysis) return deny('no_analysis', new CallsightError('ANALYSIS_NOT_FOUND', 'This call has not been analysed yet'));
    return allow<{ call: Call; analysis: CallAnalysis }>({ call, analysis }, 'analysis');
  },
  run({ actor, subject: { call, analysis } }): AnalysisView {
    const { redactedSegments: _redacted, ...rest } = analysis;
    return { callId: call.id, masked: transcriptMask(actor, call) === 'pii', ...rest };
  },
});
