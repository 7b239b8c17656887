import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteCallRepository } from '../../adapters/storage/sqlite';
import type { Agent } from '../../core/recordings/call';
import { openTestSqlite } from './support/databases';

/**
 * SqliteCallRepository keeps each tenant's agents between reads: what it answers must still be what is committed,
 * whoever wrote it (this repository, another one on the same connection, another connection or process).
 */
const agent = (id: string, name: string): Agent => ({ tenantId: 't-cache', id, name, team: 'north', seniority: 'senior', hiredAt: '2024-01-01' });
const names = (agents: readonly Agent[]) => agents.map((a) => `${a.id}:${a.name}`);

let sqlite: ReturnType<typeof openTestSqlite>;
let repo: SqliteCallRepository;
let other: Database.Database;

beforeAll(async () => {
  sqlite = openTestSqlite();
  repo = new SqliteCallRepository(sqlite.db);
  await repo.upsertTenant({ id: 't-cache', name: 'Cache', defaultRegion: 'US', industry: 'ecommerce', createdAt: '2024-01-01T00:00:00.000Z' });
  other = new Database(sqlite.file);
});
afterAll(() => {
  other.close();
  sqlite.close();
});

describe('SQLite agents between reads', () => {
  it('answers what is committed after writes through this repository, another one on the connection, and another connection', async () => {
    await repo.upsertAgent(agent('a1', 'Ada'));
    expect(names(await repo.listAgents('t-cache'))).toEqual(['a1:Ada']);

    await repo.upsertAgent(agent('a1', 'Ada L.'));
    expect(names(await repo.listAgents('t-cache'))).toEqual(['a1:Ada L.']);

    await new SqliteCallRepository(sqlite.db).upsertAgent(agent('a2', 'Bo'));
    expect(names(await repo.listAgents('t-cache'))).toEqual(['a1:Ada L.', 'a2:Bo']);

    other.prepare("INSERT INTO agents (tenant_id, id, name, team, seniority, hired_at) VALUES ('t-cache', 'a3', 'Cy', 'north', 'new', '2025-01-01')").run();
    expect(names(await repo.listAgents('t-cache'))).toEqual(['a1:Ada L.', 'a2:Bo', 'a3:Cy']);
    other.prepare("UPDATE agents SET name = 'Cyd' WHERE tenant_id = 't-cache' AND id = 'a3'").run();
    expect(names(await repo.listAgents('t-cache'))).toEqual(['a1:Ada L.', 'a2:Bo', 'a3:Cyd']);
  });

  it('does not keep what a rolled-back transaction read', async () => {
    const before = names(await repo.listAgents('t-cache'));
    let inside: string[] = [];
    expect(() =>
      sqlite.db.transaction(() => {
        void repo.upsertAgent(agent('a9', 'Gone'));
        void repo.listAgents('t-cache').then((agents) => (inside = names(agents)));
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    await Promise.resolve();
    expect(inside).toContain('a9:Gone');
    expect(names(await repo.listAgents('t-cache'))).toEqual(before);
  });

  it('keeps tenants apart', async () => {
    await repo.upsertTenant({ id: 't-cache-2', name: 'Other', defaultRegion: 'US', industry: 'ecommerce', createdAt: '2024-01-01T00:00:00.000Z' });
    await repo.upsertAgent({ ...agent('z1', 'Zed'), tenantId: 't-cache-2' });
    expect(names(await repo.listAgents('t-cache-2'))).toEqual(['z1:Zed']);
    expect(names(await repo.listAgents('t-cache'))).not.toContain('z1:Zed');
  });
});
