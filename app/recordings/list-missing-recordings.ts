import { z } from 'zod';
import type { PendingRecording } from '../../core/recordings/pending-recording.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import type { RecordingsPorts } from './recordings.ports';

/** `GET /api/v1/recordings/missing` and `callsight recordings missing`: a page of 1..200 (50 by default). */
export const listMissingRecordingsInput = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();
export type ListMissingRecordingsInput = z.input<typeof listMissingRecordingsInput>;

/** A recording the telephony side reported and the hub never stored; no personal data (provider ids only). */
export interface MissingRecordingView {
  readonly id: string;
  readonly provider: string;
  readonly providerCallId: string;
  readonly recordingId: string;
  /** `missing` once its last attempt failed; `waiting` when its window closed without a last attempt (a lost job). */
  readonly status: 'missing' | 'waiting';
  readonly attempts: number;
  readonly lastError: string | null;
  readonly receivedAt: string;
  readonly deadlineAt: string;
}

export interface MissingRecordingsPage {
  readonly items: MissingRecordingView[];
  readonly nextCursor: string | null;
}

type Deps = Pick<RecordingsPorts, 'pending' | 'clock'>;

/**
 * Recordings reported by a provider that never arrived within their fetch window, oldest first: the gaps in
 * recording completeness (R-CAP-1) an admin has to chase with the provider. Admins only; VALIDATION_FAILED for a
 * bad limit or cursor.
 */
export const listMissingRecordings = defineUseCase({
  name: 'recordings.list-missing-recordings',
  action: 'list_missing_recordings',
  permission: 'ingest',
  forbidden: 'Only admins may list missing recordings',
  input: listMissingRecordingsInput,
  invalidInput: 'Invalid query',
  target: () => 'recordings:missing',
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof listMissingRecordingsInput>>): Promise<MissingRecordingsPage> {
    const page = await deps.pending.listMissing(actor.tenantId, deps.clock.now().toISOString(), {
      limit: input.limit,
      ...(input.cursor ? { after: input.cursor } : {}),
    });
    return { items: page.items.map(toMissingView), nextCursor: page.nextCursor };
  },
  audited: (out) => ({ details: { listed: out.items.length } }),
});

function toMissingView(row: PendingRecording): MissingRecordingView {
  return {
    id: row.id,
    provider: row.provider,
    providerCallId: row.providerCallId,
    recordingId: row.recordingId,
    status: row.status === 'missing' ? 'missing' : 'waiting',
    attempts: row.attempts,
    lastError: row.lastError,
    receivedAt: row.receivedAt,
    deadlineAt: row.deadlineAt,
  };
}
