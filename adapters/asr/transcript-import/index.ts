import type { Transcript } from '../../../core/transcription/transcriber.port';
import { importAmazonTranscribe, type AmazonImportOptions } from './amazon-transcribe.import';
import { importSegmentsJson } from './segments-json.import';
import { unknownFormat } from './transcript-import.errors';

export { DEFAULT_SPEAKER_MAP, importAmazonTranscribe } from './amazon-transcribe.import';
export type { AmazonImportOptions, SpeakerMap } from './amazon-transcribe.import';
export { importSegmentsJson } from './segments-json.import';

/** The transcript formats the hub imports. */
export type TranscriptImportFormat = 'amazon-transcribe' | 'segments';

/** Recognises a parsed document's format by its shape, or null. */
export function detectTranscriptFormat(document: unknown): TranscriptImportFormat | null {
  if (typeof document !== 'object' || document === null) return null;
  const doc = document as { results?: { items?: unknown }; segments?: unknown };
  if (typeof doc.results === 'object' && doc.results !== null && Array.isArray(doc.results.items)) return 'amazon-transcribe';
  if (Array.isArray(doc.segments)) return 'segments';
  return null;
}

/**
 * Imports a parsed provider transcript in `format` (or the detected one for `auto`).
 * Throws CallsightError VALIDATION_FAILED for an unknown or invalid document.
 */
export function importTranscript(
  format: TranscriptImportFormat | 'auto',
  document: unknown,
  options: AmazonImportOptions = {},
): Transcript {
  const resolved = format === 'auto' ? detectTranscriptFormat(document) : format;
  if (resolved === 'amazon-transcribe') return importAmazonTranscribe(document, options);
  if (resolved === 'segments') return importSegmentsJson(document);
  throw unknownFormat();
}
