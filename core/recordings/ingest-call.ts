import { CallsightError } from '../shared/errors';
import type { Call } from './call';
import { callMetadataSchema, describeIssues, type CallMetadata } from './call-metadata.schema';

export interface IngestResult {
  readonly call: Call;
  /** False when (tenant, provider, providerCallId) was already stored: nothing new was written. */
  readonly created: boolean;
}

/** Parses sender metadata; throws VALIDATION_FAILED naming the bad fields. */
export function parseCallMetadata(raw: unknown): CallMetadata {
  const parsed = callMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CallsightError('VALIDATION_FAILED', `Invalid call metadata: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
