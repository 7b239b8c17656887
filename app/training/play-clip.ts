import { z } from 'zod/mini';
import type { Principal } from '../../core/access/access.policy';
import type { AudioStore } from '../../core/recordings/audio-store.port';
import type { AudioFormat, Call } from '../../core/recordings/call';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import type { TrainingClip } from '../../core/training/clip';
import type { AudioExcerpter } from '../../core/training/clip-audio.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { AudioStream } from '../calls/play-call';
import { parseRange } from '../calls/calls.range';
import { isSystemActor, type Actor } from '../shared/actor';
import { allow, defineUseCase, deny, type Decision, type UseCaseContext } from '../shared/use-case';
import { clipNotVisible, readableClip, type ClipReadDeps } from './training.access';

/** Signs short-lived playback links bound to one user and one clip (adapters/http/token-service.ts). */
export interface ClipPlaybackTokenIssuer {
  issueClip(principal: Principal, clipId: string, now: Date): Promise<{ token: string; expiresAt: string }>;
}

type ClipAudioDeps = ClipReadDeps & {
  readonly transcripts: Pick<TranscriptStore, 'getRedactedAudio' | 'getAnalysis'>;
  readonly audio: Pick<AudioStore, 'read'>;
  readonly excerpts: AudioExcerpter;
};

/** The recording a clip is cut from: the call's, or its redacted copy when the call holds spoken personal data. */
interface ClipSource {
  /** The signed-in user the clip plays for. */
  readonly reader: Principal;
  readonly clip: TrainingClip;
  readonly call: Call;
  readonly recordingId: string;
  readonly keyId: string;
  readonly bytes: number;
  readonly format: AudioFormat;
}

const target = (input: { id: string }) => `clip:${input.id}`;

function requireUser(actor: Actor, id: string): Decision<Principal> {
  if (isSystemActor(actor)) return deny('user_only', new CallsightError('FORBIDDEN', 'A clip is played by a signed-in user'), target({ id }));
  return allow(actor);
}

/**
 * Whether the clip plays for this reader, and from which recording. A clip is heard masked as QA hears calls, by
 * every reader: the redacted copy when the call holds spoken personal data (REDACTION_UNAVAILABLE, audited as
 * denied, when none exists yet), else the recording itself. RECORDING_GONE for a deleted recording;
 * CONFLICT for one moved to the archive tier (playing the call brings it back, for those who may).
 */
async function clipSource(deps: ClipAudioDeps, actor: Actor, id: string): Promise<Decision<ClipSource>> {
  const user = requireUser(actor, id);
  if (!user.allowed) return user;
  const reader = user.subject;
  const clip = await readableClip(deps, actor, id);
  if (!clip) return deny('not_found_or_out_of_scope', clipNotVisible());
  // The clip grants its range, not the call: the call is read as the system, never returned to the reader.
  const call = await deps.calls.getCall(actor.tenantId, clip.callId, { kind: 'all' });
  if (!call || call.status === 'deleted' || !call.recording) {
    return deny('recording_deleted', new CallsightError('RECORDING_GONE', 'The recording of this clip was deleted under the retention policy'));
  }
  if (call.status === 'archived') {
    return deny('recording_archived', new CallsightError('CONFLICT', 'The call of this clip is archived; it plays again once someone who may play the call brings it back'));
  }
  const copy = await deps.transcripts.getRedactedAudio(call.tenantId, call.id);
  if (copy) return allow({ reader, clip, call, recordingId: copy.recordingId, keyId: copy.keyId, bytes: copy.bytes, format: copy.format });
  const analysis = await deps.transcripts.getAnalysis(call.tenantId, call.id);
  if (analysis && analysis.redactionSpans.length > 0) {
    return deny('redaction_unavailable', new CallsightError('REDACTION_UNAVAILABLE', 'This clip contains personal data and no redacted copy of its call exists yet'));
  }
  return allow({ reader, clip, call, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes, format: call.recording.format });
}

const issueInput = z.strictObject({ id: idSchema });
type IssueDeps = ClipAudioDeps & { readonly playback: ClipPlaybackTokenIssuer; readonly clock: Clock };

/**
 * POST /api/v1/clips/:id/playback-url: a short-lived link that plays one clip, for an `<audio>` element. Any reader
 * of the clip gets one (an agent for a colleague's example pinned to their coaching task included): the link plays
 * only the clip's range, masked. Checked again when played.
 */
export const issueClipPlaybackLink = defineUseCase({
  name: 'training.issue-clip-playback-link',
  action: 'issue_clip_playback_url',
  permission: 'view',
  input: issueInput,
  invalidInput: 'Invalid clip id',
  target,
  authorize: ({ deps, actor, input }: UseCaseContext<IssueDeps, z.output<typeof issueInput>>) => clipSource(deps, actor, input.id),
  run: ({ deps, input, subject }: { deps: IssueDeps; input: z.output<typeof issueInput>; subject: ClipSource }) =>
    deps.playback.issueClip(subject.reader, input.id, deps.clock.now()),
  audited: (output) => ({ details: { expiresAt: output.expiresAt } }),
});

const playInput = z.strictObject({
  id: idSchema,
  /** The HTTP `Range` header as sent, against the clip's own audio. */
  range: z.optional(z.string().check(z.maxLength(256))),
});

/**
 * Plays one clip (the clip's playback link): its time range cut from the call's recording, or from the redacted copy,
 * as a file of its own (times from the clip's start), whole or one byte range of it. Only the bytes of the range
 * are read and decrypted.
 */
export const playClip = defineUseCase({
  name: 'training.play-clip',
  action: 'play_clip',
  permission: 'view',
  input: playInput,
  invalidInput: 'Invalid clip playback request',
  target,
  authorize: ({ deps, actor, input }: UseCaseContext<ClipAudioDeps, z.output<typeof playInput>>) => clipSource(deps, actor, input.id),
  async run({ deps, input, subject }: { deps: ClipAudioDeps; input: z.output<typeof playInput>; subject: ClipSource }): Promise<AudioStream> {
    const location = { tenantId: subject.call.tenantId, recordingId: subject.recordingId, keyId: subject.keyId, bytes: subject.bytes };
    const cut = await deps.excerpts.excerpt(
      {
        format: subject.format,
        bytes: subject.bytes,
        durationS: subject.call.durationS,
        read: async (range) => {
          const parts: Uint8Array[] = [];
          for await (const part of deps.audio.read(location, range)) parts.push(part);
          return Buffer.concat(parts);
        },
      },
      { startS: subject.clip.startS, endS: subject.clip.endS },
    );
    const range = parseRange(input.range, cut.length);
    const served = range ? cut.subarray(range.start, range.end + 1) : cut;
    return {
      callId: subject.call.id,
      format: subject.format,
      totalBytes: cut.length,
      range,
      redacted: subject.recordingId !== subject.call.id,
      chunks: (async function* () {
        yield served;
      })(),
    };
  },
  audited: (output) => ({
    details: {
      callId: output.callId,
      ...(output.range ? { range: `${output.range.start}-${output.range.end}` } : {}),
      ...(output.redacted ? { redacted: true } : {}),
    },
  }),
});
