import { z } from 'zod';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';

const backupInput = z
  .object({
    backupId: z.string().min(1).max(200),
    createdAt: z.string().min(1).max(64),
    files: z.number().int().min(0),
    bytes: z.number().int().min(0),
  })
  .strict();
type BackupFacts = z.infer<typeof backupInput>;

/**
 * Records in the actor's tenant chain that a backup of the hub was written (`callsight backup`): its id, time, file
 * count and size. The copying itself is file work done by the command with adapters/backup; the deletion journal it
 * copies is what `reapplyDeletions` reads after a restore. Trusted code only.
 */
export const recordBackup = defineUseCase({
  name: 'backup.record',
  action: 'backup',
  permission: 'system',
  input: backupInput,
  target: (input) => `backup:${input.backupId}`,
  run: ({ input }: UseCaseContext<object, BackupFacts>): BackupFacts => input,
  audited: (facts) => ({ details: { createdAt: facts.createdAt, files: facts.files, bytes: facts.bytes } }),
});
