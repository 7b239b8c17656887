import { z } from 'zod';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { STORAGE_LOOKUP_BATCH, type StoragePorts } from './storage.ports';

export const verifyRecordingsInput = z
  .object({
    trigger: z.enum(['startup', 'schedule', 'cli']).default('cli'),
  })
  .strict();
export type VerifyRecordingsInput = z.input<typeof verifyRecordingsInput>;

/** A call whose recording cannot be played from storage: its container or its data key is gone. */
export interface MissingRecording {
  readonly callId: string;
  readonly status: string;
  readonly missing: 'container' | 'key';
}

export interface StorageVerification {
  /** Calls naming a recording that were checked. */
  readonly checked: number;
  readonly missing: readonly MissingRecording[];
}

/** At most this many call ids go into the audit event; the count is always complete. */
const AUDITED_IDS = 50;

/**
 * Checks that every call naming a recording still has its container (in the hot tier, or the archive tier for an
 * archived call) and its data key. A call whose container is missing is reported and counted, never dropped or
 * changed: an operator restores it from a backup or deletes it through retention. One audit event per pass, with the
 * counts and the first call ids (opaque ids, no personal data).
 */
export const verifyRecordings = defineUseCase({
  name: 'storage.verify-recordings',
  action: 'verify_storage',
  permission: 'system',
  input: verifyRecordingsInput,
  target: (input) => `storage:${input.trigger}`,
  async run({ deps, actor }: UseCaseContext<StoragePorts, z.output<typeof verifyRecordingsInput>>): Promise<StorageVerification> {
    const tenantId = actor.tenantId;
    const missing: MissingRecording[] = [];
    let checked = 0;
    let after: string | null = null;
    for (;;) {
      const page = await deps.calls.listRecordedCalls(tenantId, after, STORAGE_LOOKUP_BATCH);
      for (const call of page) {
        if (call.status === 'deleted') continue;
        checked++;
        const location = { tenantId, recordingId: call.callId, keyId: call.keyId, bytes: call.bytes };
        if (!(await deps.presence.exists(location, call.status === 'archived' ? 'archive' : 'hot'))) {
          missing.push({ callId: call.callId, status: call.status, missing: 'container' });
        } else if (!(await deps.keys.hasDataKey(tenantId, call.keyId))) {
          missing.push({ callId: call.callId, status: call.status, missing: 'key' });
        }
      }
      if (page.length < STORAGE_LOOKUP_BATCH) break;
      after = page.at(-1)!.callId;
    }
    return { checked, missing };
  },
  audited: (result, input) => ({
    details: {
      trigger: input.trigger,
      checked: result.checked,
      missingContainers: result.missing.filter((m) => m.missing === 'container').length,
      missingKeys: result.missing.filter((m) => m.missing === 'key').length,
      callIds: result.missing.slice(0, AUDITED_IDS).map((m) => m.callId),
    },
  }),
});
