import { z } from 'zod';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { AudioStore } from '../../core/recordings/audio-store.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import { idSchema } from '../../core/shared/ids';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { readCallAudio, storeTranscript, type StoreTranscriptPorts } from './analysis.pipeline';
import type { SecretSealer, TranscriberFactory } from './analysis.ports';
import { readTranscriberSettings } from './analysis.settings';

/** The ports of transcribeCall. */
export interface TranscribeCallDeps extends StoreTranscriptPorts {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly audio: Pick<AudioStore, 'read'>;
  readonly transcripts: Pick<TranscriptStore, 'getSettings' | 'saveTranscript'>;
  readonly keys: Pick<SecretSealer, 'openSecret'>;
  readonly transcribers: TranscriberFactory;
}

const callJobInput = z.object({ callId: idSchema });

/** What a transcription or analysis job did: `skipped` says why nothing was done (the call is gone, ...). */
export interface CallJobOutcome {
  readonly skipped: 'call_gone' | 'no_recording' | 'transcription_off' | null;
  readonly segments?: number;
}

/**
 * The `call.transcribe` job: transcribes a stored call with the tenant's transcriber, stores the transcript and
 * queues its analysis. Does nothing for a call that is gone or has no recording, or when transcription is off.
 * Engine failures (RATE_LIMITED, UPSTREAM_FAILED...) reach the job runner, which retries. System only.
 */
export const transcribeCall = defineUseCase({
  name: 'analysis.transcribe-call',
  action: 'transcribe_call',
  permission: 'system',
  input: callJobInput,
  invalidInput: 'Invalid transcription job',
  target: (input) => `call:${input.callId}`,
  async run({ deps, actor, input }: { deps: TranscribeCallDeps; actor: Actor; input: { callId: string } }): Promise<CallJobOutcome> {
    const call = await deps.calls.getCall(actor.tenantId, input.callId, { kind: 'all' });
    if (!call || call.status === 'deleted') return { skipped: 'call_gone' };
    if (!call.recording) return { skipped: 'no_recording' };
    const settings = await readTranscriberSettings(deps, actor.tenantId);
    if (!settings) return { skipped: 'transcription_off' };
    const transcriber = deps.transcribers.createTranscriber(settings);
    const transcript = await transcriber.transcribe({
      audio: await readCallAudio(deps.audio, call),
      format: call.recording.format,
      channels: call.recording.channels,
      language: 'language' in settings ? settings.language : 'auto',
      agentChannel: settings.agentChannel,
    });
    await storeTranscript(deps, call, transcript, transcriber.name);
    return { skipped: null, segments: transcript.segments.length };
  },
  audited: (output) => ({
    ...(output.skipped ? { reason: output.skipped } : {}),
    ...(output.segments !== undefined ? { details: { segments: output.segments } } : {}),
  }),
});
