import { z } from 'zod';
import type { Principal } from '../../core/access/access.policy';
import type { AudioFormat, Call } from '../../core/recordings/call';
import type { ByteRange } from '../../core/recordings/audio-store.port';
import { CallsightError } from '../../core/shared/errors';
import { idSchema } from '../../core/shared/ids';
import { isSystemActor, type Actor } from '../shared/actor';
import { allow, deny, type Decision } from '../shared/use-case';
import { defineUseCase } from '../shared/use-case';
import { authorizeCallAccess, callTarget, maskOf } from './calls.access';
import type { CallAnalysisReads, CallsPorts } from './calls.ports';
import { parseRange } from './calls.range';

const playCallInput = z
  .object({
    id: idSchema,
    /** The HTTP `Range` header as sent (`bytes=0-99`, `bytes=-500`); absent for the whole recording. */
    range: z.string().max(256).optional(),
  })
  .strict();
type PlayCallInput = z.output<typeof playCallInput>;
type PlayDeps = Pick<CallsPorts, 'calls' | 'transcripts' | 'audio' | 'preparation'>;

/** The recording a reader hears: the original, or the copy with spoken personal data silenced. */
interface AudioSource {
  readonly recordingId: string;
  readonly keyId: string;
  readonly bytes: number;
  readonly format: AudioFormat;
}

interface Playable {
  readonly call: Call;
  readonly principal: Principal;
  /** The redacted copy a masked reader hears instead of the original, when the call holds spoken personal data. */
  readonly redacted: AudioSource | null;
}

/** Decrypted audio ready to send: its first chunk has authenticated, so an integrity failure is an error answer. */
export interface AudioStream {
  readonly callId: string;
  readonly format: AudioFormat;
  /** Size of the whole recording served, in bytes. */
  readonly totalBytes: number;
  /** The byte range served (both ends inclusive), or null for the whole recording. */
  readonly range: ByteRange | null;
  /** True when a masked reader gets the redacted copy. */
  readonly redacted: boolean;
  /** The plain bytes; closing the iteration early releases the file handle and data key. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/** A recording is played by a signed-in user (playback links and archive thawing are bound to one). */
export function requireUser(actor: Actor, target: string): Decision<Principal> {
  if (isSystemActor(actor)) return deny('user_only', new CallsightError('FORBIDDEN', 'A recording is played by a signed-in user'), target);
  return allow(actor, undefined, target);
}

/**
 * The copy a masked reader must hear: the redacted copy when one exists, null when the call holds no spoken
 * personal data, `unavailable` when it does but no redacted copy exists yet.
 */
async function redactedCopy(transcripts: CallAnalysisReads, call: Call): Promise<AudioSource | 'unavailable' | null> {
  const copy = await transcripts.getRedactedAudio(call.tenantId, call.id);
  if (copy) return { recordingId: copy.recordingId, keyId: copy.keyId, bytes: copy.bytes, format: copy.format };
  const analysis = await transcripts.getAnalysis(call.tenantId, call.id);
  return analysis && analysis.redactionSpans.length > 0 ? 'unavailable' : null;
}

async function* resume(first: IteratorResult<Uint8Array>, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    if (!first.done) yield first.value;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    // A client that hangs up mid-stream must not leave the file handle and data key behind.
    await rest.return?.();
  }
}

/**
 * Plays a recording (`GET /api/v1/calls/:id/audio`, signed playback URLs), whole or one byte range, decrypted
 * chunk by chunk. Refuses, audited as denied: a call out of reach (CALL_NOT_FOUND), a deleted recording
 * (RECORDING_GONE, `recording_deleted`), and a masked reader of a call with spoken personal data but no
 * redacted copy (REDACTION_UNAVAILABLE). An archived recording is brought back first. RANGE_NOT_SATISFIABLE for
 * a range outside the recording; RECORDING_INTEGRITY when the first chunk does not authenticate.
 */
export const playCall = defineUseCase({
  name: 'calls.play-call',
  action: 'play',
  permission: 'play',
  input: playCallInput,
  invalidInput: 'Invalid playback request',
  target: (input) => callTarget(input.id),
  async authorize({ deps, actor, input }: { deps: PlayDeps; actor: Actor; input: PlayCallInput }): Promise<Decision<Playable>> {
    const target = callTarget(input.id);
    const user = requireUser(actor, target);
    if (!user.allowed) return user;
    const access = await authorizeCallAccess(deps.calls, actor, input.id, 'play');
    if (!access.allowed) return access;
    const call = access.subject;
    if (call.status === 'deleted' || !call.recording) {
      return deny('recording_deleted', new CallsightError('RECORDING_GONE', 'This recording was deleted under the retention policy'), target);
    }
    let redacted: AudioSource | null = null;
    if (maskOf(actor) === 'pii') {
      const copy = await redactedCopy(deps.transcripts, call);
      if (copy === 'unavailable') {
        return deny(
          'redaction_unavailable',
          new CallsightError('REDACTION_UNAVAILABLE', 'This recording contains personal data and no redacted copy exists for your role'),
          target,
        );
      }
      redacted = copy;
    }
    return allow({ call, principal: user.subject, redacted }, undefined, target);
  },
  async run({ deps, input, subject }: { deps: PlayDeps; input: PlayCallInput; subject: Playable }): Promise<AudioStream> {
    const call = await deps.preparation.beforePlay(subject.call, subject.principal);
    if (!call.recording) throw new CallsightError('RECORDING_GONE', 'This recording was deleted under the retention policy');
    const source: AudioSource = subject.redacted ?? {
      recordingId: call.id,
      keyId: call.recording.keyId,
      bytes: call.recording.bytes,
      format: call.recording.format,
    };
    const range = parseRange(input.range, source.bytes);
    const iterator = deps.audio
      .read({ tenantId: call.tenantId, recordingId: source.recordingId, keyId: source.keyId, bytes: source.bytes }, range ?? undefined)
      [Symbol.asyncIterator]();
    const first = await iterator.next();
    return {
      callId: call.id,
      format: source.format,
      totalBytes: source.bytes,
      range,
      redacted: source.recordingId !== call.id,
      chunks: resume(first, iterator),
    };
  },
  audited: (output) => ({
    details: {
      ...(output.range ? { range: `${output.range.start}-${output.range.end}` } : {}),
      ...(output.redacted ? { redacted: true } : {}),
    },
  }),
});
