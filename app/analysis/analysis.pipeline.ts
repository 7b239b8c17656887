import { notifyCrmFollowUp } from '../crm/crm.records';
import { analyzeTranscript, type CallAnalysis } from '../../core/analysis/analyze-transcript';
import type { Transcript } from '../../core/analysis/transcript.types';
import type { Call } from '../../core/recordings/call';
import type { AudioStore } from '../../core/recordings/audio-store.port';
import type { NewJob } from '../../core/recordings/call-repository.port';
import type { JobQueue } from '../../core/jobs/job-queue.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';
import { ANALYZE_JOB, TRANSCRIBE_JOB, type AudioRedactor, type SecretSealer, type TranscriptEvents } from './analysis.ports';
import { readTranscriberSettings, type AnalysisConfigSource } from './analysis.settings';

/** The ports storeTranscript writes to. */
export interface StoreTranscriptPorts {
  readonly transcripts: Pick<TranscriptStore, 'saveTranscript'>;
  readonly events: TranscriptEvents;
  readonly jobQueue: Pick<JobQueue, 'enqueue'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Stores a call's transcript (replacing an earlier one), runs what follows a stored transcript (the search
 * index), then queues the call's analysis, deduplicated per call while one is queued.
 */
export async function storeTranscript(ports: StoreTranscriptPorts, call: Call, transcript: Transcript, source: string): Promise<void> {
  await ports.transcripts.saveTranscript(call.tenantId, call.id, transcript, source, ports.clock.now());
  await ports.events.transcriptStored(call.tenantId, call.id, transcript);
  await ports.jobQueue.enqueue({ id: ports.ids.newId('job'), tenantId: call.tenantId, kind: ANALYZE_JOB, payload: { callId: call.id }, dedupeKey: call.id });
}

/** Reads a call's whole plain audio; RECORDING_GONE when it has none. */
export async function readCallAudio(audio: Pick<AudioStore, 'read'>, call: Call): Promise<Uint8Array> {
  if (!call.recording) throw new CallsightError('RECORDING_GONE', 'The call has no recording');
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of audio.read({ tenantId: call.tenantId, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes })) {
    parts.push(part);
    length += part.length;
  }
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return whole;
}

/** The ports analyzeStoredCall uses. */
export interface AnalyzeCallPorts {
  readonly transcripts: Pick<TranscriptStore, 'getTranscript' | 'saveAnalysis' | 'getRedactedAudio' | 'saveRedactedAudio' | 'deleteRedactedAudio'>;
  readonly audio: Pick<AudioStore, 'read' | 'write' | 'discard'>;
  readonly redactor: AudioRedactor;
  readonly analysisConfigs: AnalysisConfigSource;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Analyses a call's stored transcript with the tenant's saved configuration, stores the analysis (and the flag
 * index), then keeps the redacted copy of its audio in step. TRANSCRIPT_NOT_FOUND when there is no transcript.
 */
export async function analyzeStoredCall(ports: AnalyzeCallPorts, call: Call): Promise<CallAnalysis> {
  const transcript = await ports.transcripts.getTranscript(call.tenantId, call.id);
  if (!transcript) throw new CallsightError('TRANSCRIPT_NOT_FOUND', 'The call has no transcript to analyse');
  const config = await ports.analysisConfigs.configFor(call.tenantId);
  const analysis = analyzeTranscript(transcript, config, {
    ...(call.inquiryType ? { inquiryType: call.inquiryType } : {}),
    durationS: call.durationS,
  });
  await ports.transcripts.saveAnalysis(call.tenantId, call.id, call.startedAt, analysis, ports.clock.now());
  await refreshRedactedAudio(ports, call, analysis.redactionSpans);
  await notifyCrmFollowUp(ports.transcripts, call.tenantId, call.id, 'analysis');
  return analysis;
}

/**
 * Keeps a redacted copy of WAV audio whenever personal data was spoken (masked roles hear only that copy) and
 * discards a copy that is no longer needed or was replaced, so no copy is left behind.
 */
async function refreshRedactedAudio(ports: AnalyzeCallPorts, call: Call, spans: readonly { startS: number; endS: number }[]): Promise<void> {
  const previous = await ports.transcripts.getRedactedAudio(call.tenantId, call.id);
  if (spans.length === 0 || !call.recording || call.recording.format !== 'wav') {
    if (previous) {
      await ports.audio.discard({ tenantId: call.tenantId, recordingId: previous.recordingId, keyId: previous.keyId, bytes: previous.bytes });
      await ports.transcripts.deleteRedactedAudio(call.tenantId, call.id);
    }
    return;
  }
  const redacted = ports.redactor.redactWav(await readCallAudio(ports.audio, call), spans);
  const now = ports.clock.now();
  // A fresh id per copy: the copy it replaces is discarded by id, so two copies must never share one.
  const recordingId = `${call.id}-${ports.ids.newId('r')}`;
  const stored = await ports.audio.write(call.tenantId, recordingId, redacted);
  const replaced = await ports.transcripts.saveRedactedAudio(
    call.tenantId,
    call.id,
    { recordingId, keyId: stored.keyId, bytes: stored.bytes, sha256: stored.sha256, format: 'wav', spans: spans.length },
    now,
  );
  if (replaced) {
    await ports.audio.discard({ tenantId: call.tenantId, recordingId: replaced.recordingId, keyId: replaced.keyId, bytes: replaced.bytes });
  }
}

/** The ports purgeCallAnalysis uses. */
export interface PurgeAnalysisPorts {
  readonly transcripts: Pick<TranscriptStore, 'getRedactedAudio' | 'purge'>;
  readonly audio: Pick<AudioStore, 'discard'>;
}

/**
 * Removes everything analysis derived from a call (the redacted audio copy, transcript, analysis, flag index),
 * for retention's deletion; the deletion itself is the audited action.
 */
export async function purgeCallAnalysis(ports: PurgeAnalysisPorts, tenantId: string, callId: string): Promise<void> {
  const redacted = await ports.transcripts.getRedactedAudio(tenantId, callId);
  if (redacted) await ports.audio.discard({ tenantId, recordingId: redacted.recordingId, keyId: redacted.keyId, bytes: redacted.bytes });
  await ports.transcripts.purge(tenantId, callId);
}

/** The ports transcriptionJobsFor reads. */
export interface TranscriptionFollowUpPorts {
  readonly transcripts: Pick<TranscriptStore, 'getSettings'>;
  readonly keys: Pick<SecretSealer, 'openSecret'>;
  readonly ids: IdGenerator;
}

/**
 * The transcription job for a newly stored call, queued in the call's own transaction: one when the call has a
 * recording and the tenant has a transcriber, none otherwise.
 */
export async function transcriptionJobsFor(ports: TranscriptionFollowUpPorts, call: Call): Promise<NewJob[]> {
  if (!call.recording || !(await readTranscriberSettings(ports, call.tenantId))) return [];
  return [{ id: ports.ids.newId('job'), tenantId: call.tenantId, kind: TRANSCRIBE_JOB, payload: { callId: call.id } }];
}
