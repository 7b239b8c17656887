import { parseTranscript } from '../../../core/analysis/transcript.types';
import type { Transcript } from '../../../core/transcription/transcriber.port';
import { mergeSegmentTimelines } from '../../../core/transcription/timeline';

/**
 * Validates our own segments JSON ({"language", "segments": [{"speaker", "startS", "endS", "text"}]}) and
 * orders the segments by time. Throws CallsightError VALIDATION_FAILED naming the bad field.
 */
export function importSegmentsJson(document: unknown): Transcript {
  const transcript = parseTranscript(document);
  return { language: transcript.language, segments: mergeSegmentTimelines(transcript.segments) };
}
