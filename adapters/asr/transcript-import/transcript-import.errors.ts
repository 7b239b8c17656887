import type { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';

/** A document that does not match its format: names the field and the rule, never the transcript text. */
export function invalidDocument(format: string, error: z.ZodError): CallsightError {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'document';
  return new CallsightError('VALIDATION_FAILED', `Invalid ${format} transcript at "${where}": ${issue?.message ?? 'unknown problem'}`, {
    cause: error,
    details: { format, path: where },
  });
}

/** A speaker or channel label with no entry in the tenant's map. */
export function unmappedLabel(label: string, known: readonly string[]): CallsightError {
  return new CallsightError(
    'VALIDATION_FAILED',
    `Amazon Transcribe label "${label.slice(0, 32)}" has no speaker; map it to agent or customer in speakerMap (mapped: ${known.join(', ') || 'none'})`,
    { details: { label: label.slice(0, 32) } },
  );
}

export function unknownFormat(): CallsightError {
  return new CallsightError(
    'VALIDATION_FAILED',
    'Unrecognised transcript: expected Amazon Transcribe JSON (results.items) or {"language", "segments": [{"speaker", "startS", "endS", "text"}]}',
  );
}
