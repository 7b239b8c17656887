import { z } from 'zod';
import type { Call } from '../../core/recordings/call';
import { FETCH_RECORDING_JOB } from '../../core/recordings/pending-recording.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { fetchJobId, pendingTarget, type RecordingsPorts } from './recordings.ports';

const providerId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'must be a provider id (letters, digits, _ . : -)');

/** A recording a provider reports as complete, from its verified callback. */
export const acceptRecordingInput = z
  .object({
    provider: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a provider name'),
    providerCallId: providerId,
    recordingId: providerId,
    accountId: providerId,
  })
  .strict();
export type AcceptRecordingInput = z.input<typeof acceptRecordingInput>;

/** What the callback is answered: already stored, or recorded to fetch (`created` false for a repeat callback). */
export type AcceptRecordingOutcome =
  | { readonly kind: 'stored'; readonly call: Call }
  | { readonly kind: 'pending'; readonly pendingId: string; readonly created: boolean };

type Deps = Pick<RecordingsPorts, 'pending' | 'calls' | 'policy' | 'clock' | 'ids'>;

/**
 * Records a reported recording durably so that its callback can be answered at once (issue 16 item 4): the row
 * and its first fetch job commit together; nothing is downloaded here. Idempotent on (tenant, provider, provider
 * call id): a repeat callback, or one for a call already stored, writes nothing. The fetch window (default 24 h)
 * starts now. Telephony webhooks act as the system; of the roles only admins may.
 */
export const acceptRecording = defineUseCase({
  name: 'recordings.accept-recording',
  action: 'accept_recording',
  permission: 'ingest',
  forbidden: 'Only admins and telephony integrations may report recordings',
  input: acceptRecordingInput,
  invalidInput: 'Invalid recording report',
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof acceptRecordingInput>>): Promise<AcceptRecordingOutcome> {
    const tenantId = actor.tenantId;
    const existing = await deps.calls.findByProviderCallId(tenantId, input.provider, input.providerCallId);
    if (existing) return { kind: 'stored', call: existing };
    const now = deps.clock.now();
    const id = deps.ids.newId('pr');
    const firstAttempt = new Date(now.getTime() + deps.policy.firstDelayMs).toISOString();
    const { created, recording } = await deps.pending.accept(
      {
        tenantId,
        id,
        provider: input.provider,
        providerCallId: input.providerCallId,
        recordingId: input.recordingId,
        accountId: input.accountId,
        receivedAt: now.toISOString(),
        nextAttemptAt: firstAttempt,
        deadlineAt: new Date(now.getTime() + deps.policy.windowMs).toISOString(),
      },
      { id: fetchJobId(id, 1), tenantId, kind: FETCH_RECORDING_JOB, payload: { pendingId: id }, runAt: firstAttempt },
    );
    if (recording.status === 'stored') {
      // Stored between the lookup above and this write (a fetch job finished meanwhile).
      const stored = await deps.calls.findByProviderCallId(tenantId, input.provider, input.providerCallId);
      if (stored) return { kind: 'stored', call: stored };
    }
    return { kind: 'pending', pendingId: recording.id, created };
  },
  audited: (out) =>
    out.kind === 'stored'
      ? { target: `call:${out.call.id}`, reason: 'duplicate' }
      : { target: pendingTarget(out.pendingId), reason: out.created ? 'created' : 'duplicate' },
});
