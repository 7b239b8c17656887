import { SqliteAuditLog, SqliteCallRepository, SqliteRetentionStore } from '../../adapters/storage/sqlite';
import { createRetentionUseCases, createSweepGuard, type RetentionPorts, type ShredEntry, type ShredJournalPort } from '../../app/retention';
import type { AudioLocation } from '../../core/recordings/audio-store.port';
import type { Call, Tenant } from '../../core/recordings/call';
import { CallsightError } from '../../core/shared/errors';
import { openTestSqlite } from '../contracts/support/databases';
import { makeCall } from '../contracts/support/fixtures';
import { auditSpy } from './support/audit-spy';

export const NOW = '2026-06-01T12:00:00.000Z';
export const TENANT: Tenant = { id: 't1', name: 'Tenant One', defaultRegion: 'CN', industry: 'general', createdAt: '2026-01-01T00:00:00Z' };

const key = (l: Pick<AudioLocation, 'tenantId' | 'recordingId'>) => `${l.tenantId}/${l.recordingId}`;

/** Ports over a real SQLite file (retention store, calls, audit chain) and in-memory tiers, journal and purge hooks. */
export function retentionFixture(options: { pageSize?: number } = {}) {
  const sqlite = openTestSqlite();
  const store = new SqliteRetentionStore(sqlite.db);
  const calls = new SqliteCallRepository(sqlite.db);
  const auditLog = new SqliteAuditLog(sqlite.db);
  const hot = new Map<string, string>();
  const archived = new Map<string, string>();
  const destroyedKeys = new Set<string>();
  const purged: string[] = [];
  let purgeFailures = 0;
  const journalEntries = new Map<string, ShredEntry>();
  let now = Date.parse(NOW);
  let ids = 0;

  const journal: ShredJournalPort = {
    record(entry) {
      const id = `${entry.tenantId}/${entry.callId}`;
      if (!journalEntries.has(id)) journalEntries.set(id, { ...entry, completedAt: null });
      return journalEntries.get(id)!;
    },
    complete(tenantId, callId, completedAt) {
      const entry = journalEntries.get(`${tenantId}/${callId}`);
      if (entry && entry.completedAt === null) journalEntries.set(`${tenantId}/${callId}`, { ...entry, completedAt });
    },
    pending: (tenantId) => [...journalEntries.values()].filter((e) => e.completedAt === null && (tenantId === undefined || e.tenantId === tenantId)),
    entries: () => journalEntries.values(),
  };

  const ports: RetentionPorts = {
    store,
    calls,
    clock: { now: () => new Date(now) },
    ids: { newId: (prefix) => `${prefix}_${++ids}` },
    auditLog,
    audio: {
      exists: async (l) => hot.has(key(l)),
      remove: async (l) => void hot.delete(key(l)),
      discard: async (l) => {
        destroyedKeys.add(l.keyId);
        hot.delete(key(l));
      },
    },
    archive: {
      exists: async (l) => archived.has(key(l)),
      remove: async (l) => void archived.delete(key(l)),
      async archive(l) {
        if (!hot.has(key(l))) {
          if (archived.has(key(l))) return;
          throw new CallsightError('RECORDING_GONE', 'The audio file is in neither store');
        }
        archived.set(key(l), hot.get(key(l))!);
        hot.delete(key(l));
      },
      async thaw(l) {
        if (!archived.has(key(l))) {
          if (hot.has(key(l))) return;
          throw new CallsightError('RECORDING_GONE', 'The audio file is in neither store');
        }
        hot.set(key(l), archived.get(key(l))!);
        archived.delete(key(l));
      },
    },
    journal,
    purgeDerived: async (tenantId, callId) => {
      if (purgeFailures > 0) {
        purgeFailures--;
        throw new Error('simulated crash');
      }
      purged.push(`${tenantId}/${callId}`);
    },
    sweeps: createSweepGuard(),
    settings: { thawDays: 30, pageSize: options.pageSize ?? 500 },
  };
  const spy = auditSpy();
  const useCases = createRetentionUseCases({ ...ports, audit: spy.audit });

  return {
    ports,
    useCases,
    spy,
    store,
    calls,
    auditLog,
    hot,
    archived,
    destroyedKeys,
    purged,
    journalEntries,
    failNextPurge: () => void purgeFailures++,
    /** Journals a completed admin deletion of `call`, as if it had happened after a backup. */
    journal(call: Call) {
      journal.record({ tenantId: call.tenantId, callId: call.id, keyId: call.recording?.keyId ?? null, audioSha256: call.recording?.sha256 ?? null, ruleId: null, basis: 'admin', actor: 'u-admin', role: 'admin', requestedAt: NOW });
      journal.complete(call.tenantId, call.id, NOW);
    },
    advanceDays: (days: number) => void (now += days * 86_400_000),
    async setup(tenant: Tenant = TENANT) {
      await calls.upsertTenant(tenant);
    },
    /** Stores a call `ageDays` old (hot audio present), with overrides. */
    async addCall(n: number, ageDays: number, over: Partial<Call> = {}): Promise<Call> {
      const startedAt = new Date(Date.parse(NOW) - ageDays * 86_400_000).toISOString();
      const call = makeCall(n, { tenantId: TENANT.id, startedAt, endedAt: startedAt, createdAt: startedAt, ...over });
      await calls.insertCall(call);
      if (call.recording) hot.set(key({ tenantId: call.tenantId, recordingId: call.id }), call.recording.keyId);
      return call;
    },
    async status(id: string) {
      return (await calls.getCall(TENANT.id, id, { kind: 'all' }))?.status;
    },
    /** Events of the tenant's audit chain (what stores append inside their transactions). */
    async chain(action: string) {
      return auditLog.query(TENANT.id, { action, limit: 1000 });
    },
    close: () => sqlite.close(),
  };
}

export type RetentionFixture = ReturnType<typeof retentionFixture>;
