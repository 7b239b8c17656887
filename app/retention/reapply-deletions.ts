import { z } from 'zod';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { requireTenant } from './retention.ports';
import { completeDeletion, type ShreddingPorts } from './retention.shredding';

const reapplyInput = z
  .object({
    backupId: z.string().min(1).max(200),
    backupCreatedAt: z.string().min(1).max(64),
  })
  .strict();
type ReapplyInput = z.infer<typeof reapplyInput>;

/** What a restore re-applied for one tenant. */
export interface ReappliedDeletions {
  readonly backupId: string;
  /** The tenant's journalled deletions. */
  readonly journalled: number;
  /** Calls of the restored database deleted again because the journal says they were deleted. */
  readonly redeleted: number;
}

/**
 * After a restore: applies every journalled deletion of the actor's tenant to the restored data again (key, files,
 * derived data, tombstone and a certificate with reason `reapplied_after_restore`), so nothing deleted comes back.
 * Idempotent. Its one audit event is `restore` on `backup:<id>`. Trusted code only (`callsight restore`).
 */
export const reapplyDeletions = defineUseCase({
  name: 'retention.reapply-deletions',
  action: 'restore',
  permission: 'system',
  input: reapplyInput,
  target: (input) => `backup:${input.backupId}`,
  async run({ deps, actor, input }: UseCaseContext<ShreddingPorts, ReapplyInput>): Promise<ReappliedDeletions> {
    await requireTenant(deps.calls, actor.tenantId);
    const entries = [...deps.journal.entries()].filter((entry) => entry.tenantId === actor.tenantId);
    let redeleted = 0;
    for (const entry of entries) if (await completeDeletion(deps, entry, 'restore')) redeleted++;
    return { backupId: input.backupId, journalled: entries.length, redeleted };
  },
  audited: (result, input) => ({ details: { backupCreatedAt: input.backupCreatedAt, redeleted: result.redeleted, journalled: result.journalled } }),
});
