import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase, type PostgresDatabase } from '../../adapters/storage/postgres/postgres-database';
import { PostgresTenantSettings } from '../../adapters/storage/postgres/postgres.tenant-settings';
import { PostgresSettingsNotifications } from '../../adapters/storage/postgres/postgres.notifications';
import { TenantSettingsCache } from '../../app/settings';
import type { StoredSetting, TenantSettingsStore } from '../../core/access/tenant-settings.port';
import { loadConfig } from '../../bin/config';
import { startHub, type RunningHub } from '../../bin/server';
import { createTestDatabase, dropTestDatabase, PG_ADMIN_URL } from '../contracts/support/databases';

/** Polls `read` until it returns `expected` (a notice travels on its own connection), for at most `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    last = await read();
  }
  return last;
}

const setting = (value: unknown, at: number): StoredSetting => ({
  tenantId: 't-notify',
  key: 'exports',
  value,
  updatedBy: 'u-admin',
  updatedAt: new Date(Date.UTC(2026, 0, 1) + at * 1000).toISOString(),
});

describe('tenant settings caches on PostgreSQL, told of changes by LISTEN/NOTIFY', () => {
  let database: { name: string; url: string };
  let processA: PostgresDatabase;
  let processB: PostgresDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    processA = await openPostgresDatabase(database.url, { maxConnections: 2 });
    processB = await openPostgresDatabase(database.url, { maxConnections: 2 });
  });

  afterAll(async () => {
    await processA?.close();
    await processB?.close();
    if (database) await dropTestDatabase(database.name);
  });

  it('serves a warm entry without reading the revision while live, drops it on another process\'s change, and falls back to the revision while the listener is down', async () => {
    const writer = new PostgresTenantSettings(processA);
    const reads = { revision: 0 };
    const inner = new PostgresTenantSettings(processB);
    const counted: TenantSettingsStore = {
      get: (tenantId, key) => inner.get(tenantId, key),
      put: (s) => inner.put(s),
      revision: (tenantId) => {
        reads.revision++;
        return inner.revision(tenantId);
      },
    };
    const feed = new PostgresSettingsNotifications(database.url, { maxBackoffMs: 200 });
    const cache = new TenantSettingsCache(counted, { changes: feed });
    try {
      await feed.start();
      await feed.whenLive();
      // Wait for the notice of the first write, so the counting below starts from a settled cache.
      const noticed = new Promise<void>((resolve) => {
        const stop = feed.subscribe((tenantId) => {
          if (tenantId === 't-notify') {
            stop();
            resolve();
          }
        });
      });
      await writer.put(setting({ maxCalls: 1 }, 1));
      await noticed;
      const valueOf = async () => ((await cache.get('t-notify', 'exports'))?.value as { maxCalls: number } | undefined)?.maxCalls;

      expect(await valueOf()).toBe(1);
      const afterLoad = reads.revision;
      for (let i = 0; i < 20; i++) expect(await valueOf()).toBe(1);
      expect(reads.revision).toBe(afterLoad);

      await writer.put(setting({ maxCalls: 2 }, 2));
      expect(await eventually(valueOf, 2)).toBe(2);

      // Cut the listener's connection the way a failover would: the cache must stop trusting what it holds.
      const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'`,
          [database.name],
        );
      } finally {
        await admin.end();
      }
      const until = Date.now() + 5_000;
      while (feed.live && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(feed.live).toBe(false);
      await writer.put(setting({ maxCalls: 3 }, 3));
      // No notice can arrive now, yet the very next read sees the change: the revision check is back.
      expect(await valueOf()).toBe(3);

      await feed.whenLive();
      await writer.put(setting({ maxCalls: 4 }, 4));
      expect(await eventually(valueOf, 4)).toBe(4);
      const beforeWarm = reads.revision;
      await valueOf();
      await valueOf();
      expect(reads.revision).toBeLessThanOrEqual(beforeWarm + 1);
    } finally {
      await feed.close();
    }
  });

  it('a setting saved through one API process applies on another API process on the same database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'callsight-notify-'));
    const hubs: RunningHub[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const config = loadConfig({}, {
          dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', demo: false, workers: false, role: 'api', databaseUrl: database.url,
        });
        hubs.push(await startHub(config, { quiet: true }));
      }
      const [a, b] = hubs as [RunningHub, RunningHub];
      await a.hub.ensureTenant({ id: 'acme', name: 'Acme', defaultRegion: 'US', industry: 'general' });
      await a.hub.settingsChanges!.whenLive();
      await b.hub.settingsChanges!.whenLive();
      const token = await a.hub.tokens.issue({ tenantId: 'acme', userId: 'u-admin', role: 'admin', teams: [], queues: [] });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const readOnB = async () => {
        const response = await fetch(`${b.url}/api/v1/settings/exports`, { headers });
        return ((await response.json()) as { value: { maxCalls: number } }).value.maxCalls;
      };
      expect(await readOnB()).toBe(500);
      const saved = await fetch(`${a.url}/api/v1/settings/exports`, { method: 'PUT', headers, body: JSON.stringify({ maxCalls: 42 }) });
      expect(saved.status).toBe(200);
      expect(await eventually(readOnB, 42)).toBe(42);
    } finally {
      for (const running of hubs) await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
