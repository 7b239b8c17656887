import type { Transcriber } from '../../core/transcription/transcriber.port';
import type { Transcript } from '../../core/analysis/transcript.types';
import type { TranscriberSettings } from '../../app/analysis/index';
import { createOpenAiCompatibleTranscriber } from '../../adapters/asr/openai-compatible';
import { createPocketsphinxTranscriber } from '../../adapters/asr/pocketsphinx';
import { importTranscript } from '../../adapters/asr/transcript-import';

/** Builds the engine a tenant's settings name (the TranscriberFactory port of app/analysis). */
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
