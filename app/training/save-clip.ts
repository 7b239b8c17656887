import { redactPii } from '../../core/access/pii-mask';
import { saveClipRequestSchema } from '../../core/api/training.api';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { checkClipRange, excerptOf, type TrainingClip } from '../../core/training/clip';
import type { ClipStore } from '../../core/training/clip-store.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { authorOf } from '../quality/quality.access';
import { allow, defineUseCase, deny, type UseCaseContext } from '../shared/use-case';
import { clipRuleOf, viewableCall } from './training.access';
import type { z } from 'zod/mini';

type Deps = {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly transcripts: Pick<TranscriptStore, 'getTranscript' | 'getAnalysis'>;
  readonly clips: Pick<ClipStore, 'insertClip'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
};
type Input = z.output<typeof saveClipRequestSchema>;

/**
 * POST /api/v1/clips: a QA reviewer, manager or admin marks a time range of a call they may view as a good or bad
 * training example. The excerpt is the transcript within the range, masked as for QA (the analysis' redaction,
 * or the pattern redactor before analysis), whoever saves it. The demand defaults to the call's strongest
 * analysed demand. CALL_NOT_FOUND for a call out of reach; VALIDATION_FAILED for a range outside the call.
 */
export const saveClip = defineUseCase({
  name: 'training.save-clip',
  action: 'save_clip',
  permission: 'view',
  input: saveClipRequestSchema,
  invalidInput: 'Invalid clip',
  target: (input) => `call:${input.callId}`,
  async authorize({ deps, actor, input }: UseCaseContext<Deps, Input>) {
    if (clipRuleOf(actor, 'save') === 'none') {
      return deny('role_not_permitted', new CallsightError('FORBIDDEN', 'Your role may not mark training clips'));
    }
    const call = await viewableCall(deps.calls, actor, input.callId);
    if (!call) return deny('not_found_or_out_of_scope', new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you'));
    return allow(call);
  },
  async run({ deps, actor, input, subject: call }: UseCaseContext<Deps, Input> & { subject: Call }): Promise<TrainingClip> {
    checkClipRange(input.startS, input.endS, call.durationS);
    const transcript = await deps.transcripts.getTranscript(actor.tenantId, call.id);
    const analysis = await deps.transcripts.getAnalysis(actor.tenantId, call.id);
    const masked = analysis?.redactedSegments ?? transcript?.segments.map((s) => ({ ...s, text: redactPii(s.text) })) ?? [];
    const clip: TrainingClip = {
      id: deps.ids.newId('clip'),
      callId: call.id,
      agentId: call.agentId,
      startS: input.startS,
      endS: input.endS,
      label: input.label,
      note: input.note,
      criterionId: input.criterionId ?? null,
      demand: input.demand ?? analysis?.topics[0]?.id ?? null,
      inquiryType: call.inquiryType,
      language: transcript?.language ?? analysis?.language ?? null,
      excerpt: excerptOf(masked, input.startS, input.endS),
      createdBy: authorOf(actor),
      createdAt: deps.clock.now().toISOString(),
      taskIds: [],
    };
    await deps.clips.insertClip(actor.tenantId, clip);
    return clip;
  },
  audited: (clip) => ({ target: `clip:${clip.id}`, details: { callId: clip.callId, label: clip.label, lines: clip.excerpt.length } }),
});
