import type { Segment, Speaker, TranscriptLanguage } from '../analysis/transcript.types';

/** The audio container a Transcriber accepts; the bytes are the whole file. */
export type TranscribeAudioFormat = 'wav' | 'mp3';

/** Which channel of two-channel audio carries the agent; the other carries the customer. */
export type AgentChannel = 0 | 1;

/** What to transcribe, and how the tenant wants it read. */
export interface TranscribeInput {
  /** The whole audio file (WAV or MP3 bytes). */
  readonly audio: Uint8Array;
  readonly format: TranscribeAudioFormat;
  /**
   * Channel count as recorded in the catalogue. Adapters measure the audio itself where they can and
   * trust the measurement over this hint.
   */
  readonly channels: number;
  /** The spoken language, or `auto` to let the engine detect it. */
  readonly language: TranscriptLanguage;
  /** For two-channel audio: the agent's channel. Defaults to 0. */
  readonly agentChannel?: AgentChannel;
}

/** A segment as an engine produced it; `confidence` is in [0, 1] when the engine reports one. */
export interface TranscriptSegment extends Segment {
  readonly confidence?: number;
}

/**
 * A transcript with times in seconds from the start of the call, ordered by `startS`.
 * It is a `Transcript` of core/analysis, so it feeds `analyzeTranscript` unchanged.
 */
export interface Transcript {
  readonly language: TranscriptLanguage;
  readonly segments: readonly TranscriptSegment[];
}

/**
 * Turns call audio into a speaker-labelled transcript.
 * Guarantees: segments are ordered by time and each is labelled agent or customer; failures are
 * CallsightErrors (`VALIDATION_FAILED` for input the engine cannot take, `AUDIO_CORRUPT` for unreadable
 * audio, `RATE_LIMITED` or `UPSTREAM_FAILED` when the engine fails) whose messages carry no key,
 * transcript text or personal data.
 */
export interface Transcriber {
  readonly name: string;
  transcribe(input: TranscribeInput): Promise<Transcript>;
}

export type { Speaker, TranscriptLanguage };
