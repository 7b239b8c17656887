import { describe, expect, it } from 'vitest';
import { createBackupUseCases } from '../../app/backup';
import { cliActor } from '../../app/shared/actor';
import { auditSpy, principal } from './support/audit-spy';

describe('record-backup', () => {
  it('records one backup event in the tenant chain, as the operator without a role', async () => {
    const spy = auditSpy();
    const { recordBackup } = createBackupUseCases({ audit: spy.audit });
    const facts = { backupId: 'b-1', createdAt: '2026-06-01T00:00:00Z', files: 12, bytes: 3456 };
    await expect(recordBackup(cliActor('t1'), facts)).resolves.toEqual(facts);
    expect(spy.events).toEqual([
      { tenantId: 't1', actor: 'cli', role: null, action: 'backup', target: 'backup:b-1', outcome: 'allowed', details: { createdAt: '2026-06-01T00:00:00Z', files: 12, bytes: 3456 } },
    ]);
  });

  it('refuses users (even admins) and malformed facts, one event each', async () => {
    const spy = auditSpy();
    const { recordBackup } = createBackupUseCases({ audit: spy.audit });
    await expect(recordBackup(principal('admin'), { backupId: 'b-1', createdAt: 'x', files: 1, bytes: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(recordBackup(cliActor('t1'), { backupId: '', createdAt: 'x', files: -1, bytes: 1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'system_only'],
      ['error', 'validation_failed'],
    ]);
  });
});
