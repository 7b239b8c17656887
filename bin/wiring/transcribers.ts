import { CallsightError } from '../../core/shared/errors';
import type { Transcript } from '../../core/analysis/transcript.types';

export type TranscriberSettings =
  | { kind: 'openai-compatible'; baseUrl: string; model: string; language: 'zh' | 'en' | 'auto'; agentChannel: 0 | 1; apiKey?: string }
  | { kind: 'pocketsphinx'; agentChannel: 0 | 1 };

export interface TranscribeRequest {
  readonly audio: Uint8Array;
  readonly format: 'wav' | 'mp3';
  readonly channels: number;
  readonly language: 'zh' | 'en' | 'auto';
  readonly agentChannel: 0 | 1;
}

export interface ConfiguredTranscriber {
  readonly name: string;
  transcribe(request: TranscribeRequest): Promise<Transcript>;
}

/** Builds the tenant's transcriber from its settings. */
export function createTranscriber(settings: TranscriberSettings): ConfiguredTranscriber {
  throw new CallsightError('UPSTREAM_FAILED', `The ${settings.kind} transcriber is not available on this hub`);
}

/** Converts a provider transcript (e.g. Amazon Transcribe JSON) to segments. */
export function importProviderTranscript(format: string, _data: unknown): Transcript {
  throw new CallsightError('VALIDATION_FAILED', `Transcript format "${format}" is not supported`);
}
