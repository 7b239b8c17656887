import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type HubConfig } from '../../bin/config';
import { startHub, type RunningHub } from '../../bin/server';
import type { Hub } from '../../bin/hub';
import type Database from 'better-sqlite3';
import { EncryptedFsAudioStore } from '../../adapters/blob/encrypted-fs';
import type { Role } from '../../core/access/access.policy';
import { createTestDatabase, dropTestDatabase } from '../contracts/support/databases';
import { checksResponses, openApiViolationsOf } from '../../adapters/http/routes/openapi.routes';
import { assertNoOpenApiViolations } from './openapi';

// Hubs built by tests check every answer against the OpenAPI document (adapters/http/routes/openapi.routes.ts);
// benchmarks that start hubs through this harness measure the hub without it.
if (process.env.VITEST) process.env.CALLSIGHT_OPENAPI_CHECK ??= '1';

export interface TestHub extends RunningHub {
  readonly dataDir: string;
  /** A bearer token of the demo tenant (or `tenant`) for a role. */
  token(role: Role, options?: { tenant?: string; user?: string; agentId?: string; teams?: string[]; queues?: string[]; ttlS?: number }): Promise<string>;
  /** The answers so far that did not match the OpenAPI document. */
  openApiViolations(): readonly import('../../adapters/http/openapi').ResponseViolation[];
}

/**
 * Starts a real hub on a free loopback port with its own temporary data folder; with `demoCalls` it seeds
 * the demo tenant first. Every answer is checked against the OpenAPI document; `close()` stops the hub, deletes
 * the folder, and then fails if any answer did not match (so each suite ends with that assertion).
 */
export async function startTestHub(options: { demoCalls?: number; config?: Partial<HubConfig>; store?: 'sqlite' | 'postgres' } = {}): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'callsight-test-'));
  // On PostgreSQL the hub gets a database of its own (audio and keys stay in the data folder).
  const database = options.store === 'postgres' ? await createTestDatabase() : null;
  const config = loadConfig(
    {},
    {
      dataDir,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      seedDemo: options.demoCalls ? 'true' : 'false',
      demoCalls: options.demoCalls ?? 10,
      workers: false,
      ...(database ? { databaseUrl: database.url } : {}),
      ...options.config,
    },
  );
  const running = await startHub(config, { quiet: true });
  if (process.env.CALLSIGHT_OPENAPI_CHECK === '1' && !checksResponses(running.app)) {
    throw new Error('The test hub was built without the OpenAPI response check (openApiRoutes in bin/hub.ts buildHubHttp)');
  }
  return {
    ...running,
    dataDir,
    async token(role, o = {}) {
      return running.hub.tokens.issue({
        tenantId: o.tenant ?? 'demo',
        userId: o.user ?? `u-${role}`,
        role,
        ...(o.agentId ? { agentId: o.agentId } : {}),
        teams: o.teams ?? [],
        queues: o.queues ?? [],
        ...(o.ttlS ? { ttlS: o.ttlS } : {}),
      });
    },
    openApiViolations: () => openApiViolationsOf(running.app),
    async close() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (database) await dropTestDatabase(database.name);
      assertNoOpenApiViolations(running.app, 'test hub');
    },
  };
}

/** The hub's SQLite database, for tests that read or tamper with rows directly; fails on a PostgreSQL hub. */
export function sqliteOf(hub: Hub): Database.Database {
  if (hub.storage.sqlite === null) throw new Error('This test reads the SQLite file directly; the hub runs on PostgreSQL');
  return hub.storage.sqlite;
}

/** Every item of a store's iteration, whether the store yields synchronously (SQLite) or not (PostgreSQL). */
export async function collect<T>(items: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The hub's data-folder audio store, for tests that read or tamper with container files; fails on object storage. */
export function fsAudioOf(hub: Hub): EncryptedFsAudioStore {
  if (!(hub.audio instanceof EncryptedFsAudioStore)) throw new Error('This test reads audio files directly; the hub stores audio in object storage');
  return hub.audio;
}
