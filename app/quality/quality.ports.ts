import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';

/**
 * Every port the quality, coaching and insights use-cases draw from. Each use-case declares the few methods it
 * uses (`Pick<QualityStore, 'getScorecard'>`), so a test hands it only those; the hub hands them all.
 */
export interface QualityPorts {
  readonly calls: CallRepository;
  readonly store: QualityStore;
  /** Analyses, screening (flags and risk) and the tenant's analysis settings (duration bands). */
  readonly transcripts: TranscriptStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** The current instant as ISO-8601 UTC. */
export function nowIso(deps: { readonly clock: Clock }): string {
  return deps.clock.now().toISOString();
}
