import { z } from 'zod';
import { analyzeTranscript } from '../../core/analysis/analyze-transcript';
import type { Segment } from '../../core/analysis/transcript.types';
import { redactPii } from '../../core/access/pii-mask';
import type { TranscriptHighlight, TranscriptResponse } from '../../core/api/analysis.api';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { StoredTranscript, TranscriptStore } from '../../core/transcription/transcript-store.port';
import { CallsightError } from '../../core/shared/errors';
import type { Actor } from '../shared/actor';
import { allow, defineUseCase, deny } from '../shared/use-case';
import { callNotFound, callTarget, findCallInScope, transcriptMask } from './analysis.access';
import type { AnalysisConfigSource } from './analysis.settings';

/** The ports of getTranscript. */
export interface GetTranscriptDeps {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly transcripts: Pick<TranscriptStore, 'getTranscript' | 'getAnalysis'>;
  readonly analysisConfigs: AnalysisConfigSource;
}

const MASK_TOKEN = /\[(?:BANK_CARD|CN_ID|PHONE|EMAIL)\]/g;

/**
 * Reads a call's transcript with its highlights (sensitive words of the tenant's saved lexicon, personal data).
 * Readers whose role sees personal data masked get the redacted text: the analysis' redaction once it exists
 * (it knows spoken digits), the pattern redactor before. A call out of the reader's scope answers
 * CALL_NOT_FOUND, exactly as one that does not exist; a call without a transcript TRANSCRIPT_NOT_FOUND.
 */
export const getTranscript = defineUseCase({
  name: 'analysis.get-transcript',
  action: 'view_transcript',
  permission: 'view_transcript',
  input: z.object({ id: z.string() }),
  target: (input) => callTarget(input.id),
  async authorize({ deps, actor, input }: { deps: GetTranscriptDeps; actor: Actor; input: { id: string } }) {
    const call = await findCallInScope(deps.calls, actor, 'view_transcript', input.id);
    if (!call) return deny('not_found_or_out_of_scope', callNotFound());
    const transcript = await deps.transcripts.getTranscript(actor.tenantId, call.id);
    if (!transcript) return deny('no_transcript', new CallsightError('TRANSCRIPT_NOT_FOUND', 'This call has no transcript yet'));
    return allow<{ call: Call; transcript: StoredTranscript }>({ call, transcript });
  },
  async run({ deps, actor, subject: { call, transcript } }): Promise<TranscriptResponse> {
    const mask = transcriptMask(actor, call);
    const analysis = await deps.transcripts.getAnalysis(actor.tenantId, call.id);
    let segments: readonly Segment[];
    const highlights: TranscriptHighlight[] = [];
    if (mask === 'pii') {
      segments = analysis?.redactedSegments ?? transcript.segments.map((s) => ({ ...s, text: redactPii(s.text) }));
      segments.forEach((segment, index) => {
        for (const match of segment.text.matchAll(MASK_TOKEN)) {
          highlights.push({ segment: index, start: match.index, end: match.index + match[0].length, kind: 'pii' });
        }
      });
    } else {
      segments = transcript.segments;
      for (const hit of analysis?.pii ?? []) highlights.push({ segment: hit.segment, start: hit.start, end: hit.end, kind: 'pii' });
    }
    const config = await deps.analysisConfigs.configFor(actor.tenantId);
    for (const hit of analyzeTranscript({ language: transcript.language, segments }, config).sensitive) {
      highlights.push({ segment: hit.segment, start: hit.start, end: hit.end, term: hit.term, kind: 'sensitive' });
    }
    highlights.sort((a, b) => a.segment - b.segment || a.start - b.start);
    return {
      callId: call.id,
      language: transcript.language,
      source: transcript.source,
      masked: mask === 'pii',
      segments: [...segments],
      highlights,
    };
  },
  audited: (output) => ({ details: { masked: output.masked } }),
});
