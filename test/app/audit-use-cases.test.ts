import { afterEach, describe, expect, it } from 'vitest';
import { SqliteAuditLog, SqliteTenantSettings } from '../../adapters/storage/sqlite';
import { createAuditUseCases, type AuditExportLine } from '../../app/audit';
import { cliActor, systemActor } from '../../app/shared/actor';
import { verifyCheckpoint, type SigningKey } from '../../core/audit/audit-checkpoint';
import { auditPageSchema, auditVerificationSchema } from '../../core/api/audit.api';
import type { AuditEntry } from '../../core/audit/audit-recorder.port';
import type { Tenant } from '../../core/recordings/call';
import { openTestSqlite } from '../contracts/support/databases';
import { principal } from './support/audit-spy';

import { DAY_MS } from '../../core/shared/time';
const NOW = new Date('2026-05-01T08:00:00.000Z');
const key: SigningKey = { id: 't1:audit-checkpoint:v1', secret: new Uint8Array(32).fill(7) };
const tenant: Tenant = { id: 't1', name: 'One', defaultRegion: 'CN', industry: 'general', createdAt: '2020-01-01T00:00:00.000Z' };

const opened: { close(): void }[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

/** The audit use-cases over a real SQLite audit log; the wrapper's events go into the same chain, as in the hub. */
function setup() {
  const sqlite = openTestSqlite();
  opened.push(sqlite);
  const auditLog = new SqliteAuditLog(sqlite.db);
  const settings = new SqliteTenantSettings(sqlite.db);
  const written: AuditEntry[] = [];
  const audit = async (entry: AuditEntry) => {
    written.push(entry);
    auditLog.append({ ...entry, at: NOW.toISOString() });
  };
  const useCases = createAuditUseCases({
    auditLog,
    settings,
    tenants: { getTenant: async (id) => (id === 't1' ? tenant : null) },
    keys: { checkpointKey: (tenantId) => (tenantId === 't1' ? key : null) },
    clock: { now: () => NOW },
    audit,
  });
  const seed = (ageDays: number[], actor = 'u-x') => {
    for (const age of ageDays) auditLog.append({ at: new Date(NOW.getTime() - age * DAY_MS).toISOString(), tenantId: 't1', actor, role: 'admin', action: 'list', target: null, outcome: 'allowed' });
  };
  const tamper = (sql: string, ...params: unknown[]) => {
    sqlite.db.exec('DROP TRIGGER IF EXISTS audit_events_no_update');
    sqlite.db.prepare(sql).run(...params);
  };
  return { useCases, auditLog, settings, written, seed, tamper };
}

describe('audit.list', () => {
  it('pages the tenant\'s events by seq with filters, and its own event follows the read', async () => {
    const { useCases, written, seed } = setup();
    seed([3, 2, 1]);
    seed([1], 'u-y');
    const page = await useCases.list(principal('auditor'), { limit: '2', actor: 'u-x' });
    expect(auditPageSchema.parse(page)).toEqual(page);
    expect(page.items.map((e) => e.seq)).toEqual([1, 2]);
    expect(page.nextCursor).toBe('2');
    const next = await useCases.list(principal('admin'), { cursor: page.nextCursor!, actor: 'u-x' });
    expect(next.items.map((e) => e.seq)).toEqual([3]);
    expect(next.nextCursor).toBeNull();
    expect(written).toEqual([
      { tenantId: 't1', actor: 'u-auditor', role: 'auditor', action: 'view_audit', target: 'audit:chain', outcome: 'allowed', details: { returned: 2, filters: ['actor'] } },
      expect.objectContaining({ actor: 'u-admin', action: 'view_audit', outcome: 'allowed', details: { returned: 1, filters: ['actor'] } }),
    ]);
  });

  it('normalises offsets of from/to so that string order is time order', async () => {
    const { useCases, seed } = setup();
    seed([2, 1]);
    const page = await useCases.list(principal('auditor'), { from: new Date(NOW.getTime() - 1.5 * DAY_MS).toISOString().replace('Z', '+00:00') });
    expect(page.items.map((e) => e.seq)).toEqual([2]);
  });

  it('refuses other roles (FORBIDDEN, one denied event) and bad queries (VALIDATION_FAILED, one error event)', async () => {
    const { useCases, written } = setup();
    await expect(useCases.list(principal('manager'), {})).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Only auditors and admins may read the audit trail' });
    await expect(useCases.list(principal('auditor'), { outcome: 'maybe' } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid query: outcome: /) });
    expect(written.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['view_audit', 'denied', 'role_not_permitted'],
      ['view_audit', 'error', 'validation_failed'],
    ]);
  });
});

describe('audit.verify', () => {
  it('reports an intact chain, then the first broken link after tampering, as results with one event each', async () => {
    const { useCases, written, seed, tamper } = setup();
    seed([5, 4, 3, 2]);
    const intact = await useCases.verify(principal('auditor'), undefined);
    expect(auditVerificationSchema.parse(intact)).toEqual(intact);
    expect(intact).toMatchObject({ ok: true, checked: 4, head: { seq: 4 }, start: { seq: 0 }, checkpoint: null });
    tamper("UPDATE audit_events SET actor = 'u-forged' WHERE tenant_id = 't1' AND seq = 2");
    await expect(useCases.verify(cliActor('t1'), undefined)).resolves.toMatchObject({ ok: false, checked: 1, firstBroken: { seq: 2, reason: 'hash_mismatch' } });
    expect(written).toEqual([
      expect.objectContaining({ action: 'verify_audit', outcome: 'allowed', reason: 'chain_intact', details: { checked: 4 } }),
      expect.objectContaining({ action: 'verify_audit', actor: 'cli', role: null, outcome: 'allowed', reason: 'chain_broken', details: { checked: 1, firstBrokenSeq: 2 } }),
    ]);
  });
});

describe('audit.checkpoint', () => {
  it('signs and keeps the verified head; its own event comes after; operators only', async () => {
    const { useCases, auditLog, written, seed } = setup();
    seed([2, 1]);
    const checkpoint = await useCases.checkpoint(cliActor('t1'), undefined);
    expect(checkpoint).toMatchObject({ tenantId: 't1', seq: 2, count: 2, keyId: key.id });
    expect(verifyCheckpoint(checkpoint, key).ok).toBe(true);
    expect(auditLog.latestCheckpoint('t1')).toEqual(checkpoint);
    await expect(useCases.checkpoint(principal('admin'), undefined)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(written.map((e) => [e.action, e.outcome, e.reason ?? null])).toEqual([
      ['checkpoint_audit', 'allowed', null],
      ['checkpoint_audit', 'denied', 'system_only'],
    ]);
    await expect(useCases.verify(cliActor('t1'), undefined)).resolves.toMatchObject({ ok: true, checkpoint: { seq: 2, valid: true } });
  });

  it('refuses to vouch for a broken chain (CONFLICT) and for a tenant without keys (NOT_FOUND)', async () => {
    const { useCases, auditLog, written, seed, tamper } = setup();
    seed([2, 1]);
    tamper("UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = 't1' AND seq = 1");
    await expect(useCases.checkpoint(cliActor('t1'), undefined)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('broken at seq 1 (hash_mismatch); no checkpoint was signed') });
    await expect(useCases.checkpoint(cliActor('t-nokeys'), undefined)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(auditLog.latestCheckpoint('t1')).toBeNull();
    expect(written.map((e) => [e.outcome, e.reason])).toEqual([
      ['error', 'conflict'],
      ['error', 'not_found'],
    ]);
  });
});

describe('audit.export', () => {
  it('records the export first, then writes the range and a checkpoint that covers that record', async () => {
    const { useCases, auditLog, written, seed } = setup();
    seed([3, 2, 1]);
    const exported = await useCases.export(cliActor('t1'), { from: new Date(NOW.getTime() - 2.5 * DAY_MS).toISOString() });
    expect(written).toEqual([expect.objectContaining({ action: 'export_audit', actor: 'cli', outcome: 'allowed', details: { from: expect.any(String) } })]);
    const lines: AuditExportLine[] = [];
    for await (const line of exported.lines) lines.push(line);
    expect(lines[0]).toMatchObject({ type: 'header', format: 'callsight-audit-export', tenantId: 't1', to: null });
    expect(lines.filter((l) => l.type === 'event').map((l) => (l.type === 'event' ? l.event.seq : 0))).toEqual([2, 3, 4]);
    const last = lines.at(-1)!;
    expect(last.type === 'checkpoint' && last.checkpoint).toMatchObject({ seq: 4, hash: auditLog.head('t1')!.hash, count: 4 });
    expect(auditLog.get('t1', 4)).toMatchObject({ action: 'export_audit' });
  });

  it('refuses an unknown tenant (NOT_FOUND), a reversed range (VALIDATION_FAILED) and signed-in users (system only)', async () => {
    const { useCases, written } = setup();
    await expect(useCases.export(cliActor('t-unknown'), {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(useCases.export(cliActor('t1'), { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('from must be before to') });
    await expect(useCases.export(principal('auditor'), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(written.map((e) => [e.outcome, e.reason])).toEqual([
      ['error', 'not_found'],
      ['error', 'validation_failed'],
      ['denied', 'system_only'],
    ]);
  });
});

describe('audit.prune', () => {
  it('dry-runs, then prunes past the tenant\'s retention setting, leaving a chain that verifies from its anchor', async () => {
    const { useCases, auditLog, settings, written, seed } = setup();
    seed([800, 700, 500, 10]);
    settings.put({ tenantId: 't1', key: 'audit-retention', value: { keepDays: 600 }, updatedBy: 'u-admin', updatedAt: NOW.toISOString() });
    await expect(useCases.prune(cliActor('t1'), { dryRun: true })).resolves.toMatchObject({ tenantId: 't1', keepDays: 600, pruned: 2, anchor: { seq: 2 }, dryRun: true });
    expect(auditLog.get('t1', 1)).not.toBeNull();
    const report = await useCases.prune(systemActor('t1', 'audit-retention'), undefined);
    expect(report).toMatchObject({ pruned: 2, anchor: { seq: 2 }, dryRun: false, cutoff: '2024-09-08T00:00:00.000Z' });
    expect(auditLog.get('t1', 1)).toBeNull();
    expect(auditLog.get('t1', 6)).toMatchObject({ action: 'audit_pruned', actor: 'audit-retention', details: { throughSeq: 2, prunedCount: 2 } });
    expect(written.map((e) => [e.action, e.actor, e.details])).toEqual([
      ['prune_audit', 'cli', { pruned: 2, keepDays: 600, dryRun: true }],
      ['prune_audit', 'audit-retention', { pruned: 2, keepDays: 600, dryRun: false }],
    ]);
    await expect(useCases.verify(cliActor('t1'), undefined)).resolves.toMatchObject({ ok: true, start: { seq: 2 } });
  });

  it('prunes nothing from a broken chain (CONFLICT) and is refused to signed-in users', async () => {
    const { useCases, auditLog, written, seed, tamper } = setup();
    seed([800, 700, 10]);
    tamper("UPDATE audit_events SET actor = 'u-forged' WHERE tenant_id = 't1' AND seq = 3");
    await expect(useCases.prune(cliActor('t1'), {})).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('nothing was pruned') });
    await expect(useCases.prune(principal('admin'), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(auditLog.get('t1', 1)).not.toBeNull();
    expect(written.map((e) => [e.outcome, e.reason])).toEqual([
      ['error', 'conflict'],
      ['denied', 'system_only'],
    ]);
  });
});
