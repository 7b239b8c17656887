import type { Awaitable } from '../shared/awaitable';
import type { ClipLabel, ClipPin, TrainingClip } from './clip';

/** Filters of the library, combined with AND; `limit` bounds the answer (newest first). */
export interface ClipQuery {
  readonly demand?: string;
  readonly inquiryType?: string;
  readonly criterionId?: string;
  readonly label?: ClipLabel;
  readonly callId?: string;
  /** Only clips pinned to one of these coaching tasks. */
  readonly taskIds?: readonly string[];
  readonly limit: number;
}

/**
 * Where training clips and their pins to coaching tasks live. Every method is scoped by tenant: a clip of another
 * tenant is absent. Every adapter passes test/contracts/clip-store.contract.ts.
 */
export interface ClipStore {
  /** Stores a new clip (its `taskIds` are ignored: pins are added with `pinClip`); CONFLICT when the id exists. */
  insertClip(tenantId: string, clip: TrainingClip): Awaitable<void>;
  getClip(tenantId: string, id: string): Awaitable<TrainingClip | null>;
  /** Clips matching the query, newest first (createdAt, then id, descending), at most `limit`. */
  listClips(tenantId: string, query: ClipQuery): Awaitable<TrainingClip[]>;
  /** Pins a clip to a task; false when it was pinned already (the first pin is kept). The clip must exist. */
  pinClip(tenantId: string, pin: ClipPin): Awaitable<boolean>;
  /** Deletes a clip and its pins atomically; false when absent. */
  deleteClip(tenantId: string, id: string): Awaitable<boolean>;
  /** Deletes every clip of a call (and their pins), when the call is deleted; returns how many clips went. */
  purgeCall(tenantId: string, callId: string): Awaitable<number>;
}
