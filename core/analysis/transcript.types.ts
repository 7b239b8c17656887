import { z } from 'zod';
import { CallsightError } from '../shared/errors';

export type Speaker = 'agent' | 'customer';
export type TranscriptLanguage = 'zh' | 'en' | 'auto';

/** One utterance; times in seconds from the start of the call, `endS >= startS`. */
export interface Segment {
  readonly speaker: Speaker;
  readonly startS: number;
  readonly endS: number;
  readonly text: string;
}

/** A call transcript, as produced by a Transcriber or imported. */
export interface Transcript {
  readonly language: TranscriptLanguage;
  readonly segments: readonly Segment[];
}

const MAX_SEGMENTS = 100_000;
const MAX_SEGMENT_CHARS = 100_000;

const segmentSchema = z
  .object({
    speaker: z.enum(['agent', 'customer']),
    startS: z.number().finite().min(0),
    endS: z.number().finite().min(0),
    text: z.string().max(MAX_SEGMENT_CHARS),
  })
  .refine((s) => s.endS >= s.startS, { message: 'endS must not be before startS' });

const transcriptSchema = z.object({
  language: z.enum(['zh', 'en', 'auto']).default('auto'),
  segments: z.array(segmentSchema).max(MAX_SEGMENTS),
});

/**
 * Validates untrusted input into a Transcript. Throws CallsightError VALIDATION_FAILED naming the
 * offending field (never echoing transcript text).
 */
export function parseTranscript(input: unknown): Transcript {
  const parsed = transcriptSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'transcript';
    throw new CallsightError(
      'VALIDATION_FAILED',
      `Invalid transcript at "${where}": ${issue?.message ?? 'unknown problem'}. Expected {"language": "zh"|"en"|"auto", "segments": [{"speaker": "agent"|"customer", "startS", "endS", "text"}]}.`,
    );
  }
  return parsed.data;
}
