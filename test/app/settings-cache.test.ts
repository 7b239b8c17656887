import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, SqliteTenantSettings } from '../../adapters/storage/sqlite';
import { openPostgresDatabase, type PostgresDatabase } from '../../adapters/storage/postgres/postgres-database';
import { PostgresTenantSettings } from '../../adapters/storage/postgres/postgres.tenant-settings';
import { createSettingsUseCases, TenantSettingsCache } from '../../app/settings';
import type { StoredSetting, TenantSettingsStore } from '../../core/access/tenant-settings.port';
import { createTestDatabase, dropTestDatabase, openTestSqlite } from '../contracts/support/databases';
import { auditSpy, principal } from './support/audit-spy';

type Store = Pick<TenantSettingsStore, 'get' | 'put' | 'revision'>;

/** Two handles on one database, as two hub processes would hold: separate connections, separate caches. */
interface TwoProcesses {
  readonly a: Store;
  readonly b: Store;
  close(): Promise<void>;
}

const setting = (value: unknown, at = 1): StoredSetting => ({ tenantId: 't1', key: 'exports', value, updatedBy: 'u-admin', updatedAt: `2026-05-01T08:00:0${at}.000Z` });

/** Counts the store reads a cache makes, to show that it caches between writes. */
function counting(store: Store): Store & { gets: number } {
  const counted = {
    gets: 0,
    get: (tenantId: string, key: string) => {
      counted.gets++;
      return store.get(tenantId, key);
    },
    put: (s: StoredSetting) => store.put(s),
    revision: (tenantId: string) => store.revision(tenantId),
  };
  return counted;
}

function describeCacheAcrossProcesses(name: string, open: () => Promise<TwoProcesses>) {
  describe(`TenantSettingsCache across two store handles on one database: ${name}`, () => {
    let handles: TwoProcesses;
    beforeAll(async () => {
      handles = await open();
    });
    afterAll(async () => handles.close());

    it('a cold cache reads what the other process saved: never a default that hides it', async () => {
      await handles.b.put(setting({ maxCalls: 7 }));
      const cold = new TenantSettingsCache(handles.a);
      expect((await cold.get('t1', 'exports'))?.value).toEqual({ maxCalls: 7 });
    });

    it('serves repeated reads from memory, and the next read after the other process writes sees the write', async () => {
      const a = counting(handles.a);
      const cacheA = new TenantSettingsCache(a);
      const cacheB = new TenantSettingsCache(handles.b);
      await cacheB.put(setting({ maxCalls: 10 }, 2));
      expect((await cacheA.get('t1', 'exports'))?.value).toEqual({ maxCalls: 10 });
      expect((await cacheA.get('t1', 'exports'))?.value).toEqual({ maxCalls: 10 });
      expect(a.gets).toBe(1);

      await cacheB.put(setting({ maxCalls: 11 }, 3));
      expect(await cacheA.get('t1', 'exports')).toMatchObject({ value: { maxCalls: 11 }, updatedAt: '2026-05-01T08:00:03.000Z' });
      expect(a.gets).toBe(2);
    });

    it('raises the revision once per put whoever writes, and only for that tenant', async () => {
      const before = await handles.a.revision('t1');
      await Promise.all([handles.a.put(setting({ maxCalls: 1 })), handles.b.put(setting({ maxCalls: 2 })), handles.b.put({ ...setting({ keepDays: 400 }), key: 'audit-retention' })]);
      expect(await handles.b.revision('t1')).toBe(before + 3);
      expect(await handles.a.revision('t-other')).toBe(0);
      expect(await handles.a.get('t1', '#revision')).toMatchObject({ value: before + 3 });
      await expect(Promise.resolve().then(() => handles.a.put({ ...setting({}), key: '#revision' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('a use-case in one process reads the setting another process just changed', async () => {
      const tenants = { getTenant: async () => null };
      const clock = { now: () => new Date('2026-05-02T00:00:00.000Z') };
      const processA = createSettingsUseCases({ settings: new TenantSettingsCache(handles.a), tenants, clock, audit: auditSpy().audit });
      const processB = createSettingsUseCases({ settings: new TenantSettingsCache(handles.b), tenants, clock, audit: auditSpy().audit });
      const admin = principal('admin');
      await processA.get(admin, { key: 'exports' });
      await processB.change(admin, { key: 'exports', value: { downloadTtlMinutes: 45 } });
      expect((await processA.get(admin, { key: 'exports' })).value).toEqual({ downloadTtlMinutes: 45, maxCalls: 500 });
      await processB.change(admin, { key: 'exports', value: {} });
      expect((await processA.get(admin, { key: 'exports' })).value).toEqual({ downloadTtlMinutes: 1440, maxCalls: 500 });
    });

    it('fails a read when the store fails, instead of answering a default', async () => {
      const broken = new TenantSettingsCache({ revision: () => Promise.reject(new Error('database unreachable')), get: (t, k) => handles.a.get(t, k), put: (s) => handles.a.put(s) });
      await expect(broken.get('t1', 'exports')).rejects.toThrow('database unreachable');
    });
  });
}

describeCacheAcrossProcesses('SQLite file', async () => {
  const first = openTestSqlite();
  const second = openSqliteDatabase(first.file);
  return {
    a: new SqliteTenantSettings(first.db),
    b: new SqliteTenantSettings(second),
    async close() {
      second.close();
      first.close();
    },
  };
});

describeCacheAcrossProcesses('PostgreSQL', async () => {
  const { name, url } = await createTestDatabase();
  const first: PostgresDatabase = await openPostgresDatabase(url, { maxConnections: 4 });
  const second: PostgresDatabase = await openPostgresDatabase(url, { maxConnections: 4 });
  return {
    a: new PostgresTenantSettings(first),
    b: new PostgresTenantSettings(second),
    async close() {
      await second.close();
      await first.close();
      await dropTestDatabase(name);
    },
  };
});
