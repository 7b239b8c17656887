/**
 * Where a backfill (`callsight import --from twilio|connect|dir`) stopped, one row per (tenant, source, window), so
 * that a run killed half-way resumes after the last item it finished instead of starting over. Implemented beside
 * the provider call ledger (adapters/storage/*\/*.provider-call-ledger.ts); both pass
 * test/contracts/provider-call-ledger.contract.ts.
 */
import type { Awaitable } from '../shared/awaitable';

export interface BackfillKey {
  readonly tenantId: string;
  /** `twilio`, `connect`, `dir:<absolute folder>`. */
  readonly source: string;
  /** The window [from, to), ISO-8601 UTC. */
  readonly windowFrom: string;
  readonly windowTo: string;
}

export interface BackfillCheckpoint extends BackfillKey {
  /** The source's own resume point (a page URI, an S3 continuation token, the last key done); null at the start. */
  readonly cursor: unknown;
  /** Items finished so far (stored, already there, or refused with a reason). */
  readonly done: number;
  /** Items in the window when known. */
  readonly total: number | null;
  /** When the whole window was finished; null while it is not. */
  readonly completedAt: string | null;
  readonly updatedAt: string;
}

export interface BackfillCheckpointStore {
  get(key: BackfillKey): Awaitable<BackfillCheckpoint | null>;
  /** Writes the checkpoint (insert or replace), atomically. */
  save(checkpoint: Omit<BackfillCheckpoint, 'updatedAt'>, at: string): Awaitable<void>;
}
