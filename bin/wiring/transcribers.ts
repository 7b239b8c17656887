import type { Transcriber } from '../../core/transcription/transcriber.port';
import type { Transcript } from '../../core/analysis/transcript.types';
import { createOpenAiCompatibleTranscriber } from '../../adapters/asr/openai-compatible';
import { createPocketsphinxTranscriber } from '../../adapters/asr/pocketsphinx';
import { importTranscript } from '../../adapters/asr/transcript-import';

/** A tenant's transcriber as stored in its analysis settings (the API key unsealed only here). */
export type TranscriberSettings =
  | { kind: 'openai-compatible'; baseUrl: string; model: string; language: 'zh' | 'en' | 'auto'; agentChannel: 0 | 1; apiKey?: string }
  | { kind: 'pocketsphinx'; agentChannel: 0 | 1 };

/** Builds the tenant's transcriber from its settings. */
export function createTranscriber(settings: TranscriberSettings): Transcriber {
  if (settings.kind === 'pocketsphinx') return createPocketsphinxTranscriber();
  return createOpenAiCompatibleTranscriber({
    baseUrl: settings.baseUrl,
    model: settings.model,
    ...(settings.language !== 'auto' ? { language: settings.language } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  });
}

/** Converts a provider transcript (Amazon Transcribe JSON with speaker or channel labels) to segments. */
export function importProviderTranscript(format: 'amazon-transcribe', data: unknown): Transcript {
  return importTranscript(format, data);
}
