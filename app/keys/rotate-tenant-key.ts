import { z } from 'zod';
import type { KeyRotation, SealedSecretStore } from '../../core/recordings/key-vault.port';
import { CallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';

/** The ports a key rotation uses: the key vault's rotation side and the sealed secrets of the metadata database. */
export interface RotateTenantKeyPorts {
  readonly keyRotation: KeyRotation;
  readonly sealedSecrets: SealedSecretStore;
}

export const DEFAULT_ROTATION_BATCH = 500;

export const rotateTenantKeyInput = z
  .object({
    /** Data keys re-wrapped by this step, in one transaction of the key store (default 500). */
    batchSize: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export type RotateTenantKeyInput = z.input<typeof rotateTenantKeyInput>;

/** What one step of a rotation did, and where the rotation stands after it. */
export interface RotationStep {
  readonly tenantId: string;
  /** The generation every key is being re-wrapped under (current). */
  readonly generation: number;
  /** The generations being retired by this rotation (destroyed when `completed`). */
  readonly retiring: readonly number[];
  /** This step started the rotation (false: it resumed one already under way). */
  readonly started: boolean;
  /** Data keys re-wrapped by this step. */
  readonly rewrapped: number;
  /** Data keys still under a retiring generation after this step. */
  readonly remaining: number;
  /** Every data key of the tenant. */
  readonly total: number;
  /** Provider and CRM secrets this step re-sealed out of the legacy format. */
  readonly resealed: number;
  /** Generations destroyed by this step: their key material is gone from the key store. */
  readonly destroyed: readonly number[];
  /** Nothing is wrapped under an old generation any more and the old generations are destroyed. */
  readonly completed: boolean;
}

/**
 * One step of a rotation of the actor's tenant key (docs/decisions/key-rotation.md): starts a rotation when none is
 * under way (a new key generation becomes current), re-wraps one batch of data keys under it, and, once none is
 * left under an old generation, re-seals legacy provider secrets and destroys the old generations. Call it again
 * until `completed`. Each step is atomic where it matters and idempotent, so an interrupted rotation (a killed
 * process, a failed step) resumes with the next call, and every recording stays playable throughout: a data key is
 * readable under whichever generation wraps it. Each call writes one audit event whose details carry the step's
 * progress, so the audit trail is the rotation's checkpoint log. Only trusted code (the `callsight keys rotate`
 * operator) may run it.
 */
export const rotateTenantKey = defineUseCase({
  name: 'keys.rotate-tenant-key',
  action: 'rotate_tenant_key',
  permission: 'system',
  input: rotateTenantKeyInput,
  invalidInput: 'Invalid key rotation request',
  target: (_input, actor) => `tenant-key:${actor.tenantId}`,
  async run({ deps, actor, input }: UseCaseContext<RotateTenantKeyPorts, z.output<typeof rotateTenantKeyInput>>): Promise<RotationStep> {
    const tenantId = actor.tenantId;
    const begun = await deps.keyRotation.beginRotation(tenantId);
    const batch = await deps.keyRotation.rewrapBatch(tenantId, input.batchSize ?? DEFAULT_ROTATION_BATCH);
    const step = {
      tenantId,
      generation: begun.current,
      retiring: begun.retiring,
      started: begun.started,
      rewrapped: batch.rewrapped,
      remaining: batch.remaining,
      total: begun.total,
      resealed: 0,
      destroyed: [] as readonly number[],
      completed: false,
    };
    if (batch.remaining > 0) return step;
    const resealed = await resealLegacySecrets(deps, tenantId);
    const destroyed = await deps.keyRotation.destroyRetired(tenantId);
    const after = await deps.keyRotation.keyStatus(tenantId);
    return { ...step, resealed, destroyed, total: after.total, completed: true };
  },
  audited: (step) => ({
    reason: step.completed ? 'rotation_completed' : step.started ? 'rotation_started' : 'rotation_progress',
    details: {
      generation: step.generation,
      retiring: [...step.retiring],
      rewrapped: step.rewrapped,
      remaining: step.remaining,
      total: step.total,
      resealed: step.resealed,
      destroyed: [...step.destroyed],
      completed: step.completed,
    },
  }),
});

/**
 * Re-seals every secret still in the legacy format (sealed directly under generation 0) so that destroying that
 * generation loses none. A secret changed meanwhile by someone else is sealed in the current format already.
 */
async function resealLegacySecrets(deps: RotateTenantKeyPorts, tenantId: string): Promise<number> {
  let resealed = 0;
  for (const record of await deps.sealedSecrets.listSealed(tenantId)) {
    let next: Uint8Array | null;
    try {
      next = await deps.keyRotation.resealSecret(tenantId, record.purpose, record.sealed);
    } catch (cause) {
      throw new CallsightError(
        'CONFLICT',
        `The sealed secret ${record.ref} cannot be opened, so the old key generation is kept; enter that credential again, then run the rotation again`,
        { cause },
      );
    }
    if (next && (await deps.sealedSecrets.replaceSealed(tenantId, record.ref, record.sealed, next))) resealed++;
  }
  return resealed;
}
