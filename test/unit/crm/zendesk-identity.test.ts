import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideZendeskIdentity, parseZendeskIdentitySettings } from '../../../core/crm/zendesk-identity';
import { createZendeskTokenLedger, readZendeskAppRegistration, ZENDESK_TOKEN_SPENT_JOB } from '../../../app/crm/zendesk-app.ports';
import { openSqliteDatabase, SqliteJobQueue } from '../../../adapters/storage/sqlite';
import { PostgresJobQueue } from '../../../adapters/storage/postgres';
import { openPostgresDatabase } from '../../../adapters/storage/postgres/postgres-database';
import { openTestSqlite, openTestPostgres } from '../../contracts/support/databases';

const settings = parseZendeskIdentitySettings({
  roles: { 'QA Reviewers': 'qa', 'Team Lead': 'manager', 'Light Agent': 'none' },
  users: {
    '1001': { role: 'agent', agentId: 'a-zhangwei' },
    '1002': { role: 'qa', teams: ['north'] },
    '1003': { role: 'admin' },
    '1004': { role: 'manager', teams: ['south'] },
  },
});

describe('decideZendeskIdentity', () => {
  it.each([
    // user, Zendesk role reported, expected outcome
    ['1001', 'agent', { role: 'agent', agentId: 'a-zhangwei' }],
    ['1001', 'Agent', { role: 'agent', agentId: 'a-zhangwei' }],
    ['1002', 'qa reviewers', { role: 'qa', teams: ['north'] }],
    ['1003', 'admin', { role: 'admin' }],
    ['1004', 'Team Lead', { role: 'manager', teams: ['south'] }],
    ['1001', 'admin', 'zendesk_role_mismatch'], // a forged or stale "admin" claim does not lift an agent
    ['1003', 'agent', 'zendesk_role_mismatch'], // demoted in Zendesk: the old admin mapping stops working
    ['1002', 'Light Agent', 'zendesk_role_not_mapped'],
    ['1001', 'end-user', 'zendesk_role_not_mapped'],
    ['1001', 'Some New Custom Role', 'zendesk_role_not_mapped'],
    ['9999', 'admin', 'user_not_mapped'], // an unmapped user gets nothing, whatever role it reports
    ['constructor', 'agent', 'user_not_mapped'],
  ] as const)('user %s reporting %s -> %j', (userId, zendeskRole, expected) => {
    const decision = decideZendeskIdentity(settings, { userId, zendeskRole });
    if (typeof expected === 'string') expect(decision).toEqual({ allowed: false, reason: expected });
    else expect(decision).toEqual({ allowed: true, grant: expected });
  });
});

describe('parseZendeskIdentitySettings', () => {
  it('reads empty or missing settings as "nobody has rights"', () => {
    expect(parseZendeskIdentitySettings({})).toEqual({ roles: {}, users: {} });
    expect(parseZendeskIdentitySettings(null)).toEqual({ roles: {}, users: {} });
    expect(decideZendeskIdentity(parseZendeskIdentitySettings({}), { userId: '1', zendeskRole: 'admin' })).toEqual({
      allowed: false,
      reason: 'user_not_mapped',
    });
  });

  it('stores role names lower-cased and ignores other provider settings', () => {
    expect(parseZendeskIdentitySettings({ roles: { ' QA Team ': 'qa' }, webhookUrl: 'x' }).roles).toEqual({ 'qa team': 'qa' });
  });

  it.each([
    [{ users: { '12': { role: 'agent' } } }, /agentId/],
    [{ users: { '12': { role: 'qa' } } }, /teams or queues/],
    [{ users: { abc: { role: 'admin' } } }, /users\.abc/],
    [{ users: { '12': { role: 'root' } } }, /users/],
    [{ roles: { admin: 'superuser' } }, /roles/],
    [{ users: { '12': { role: 'admin', extra: true } } }, /users/],
  ])('refuses %j', (value, message) => {
    expect(() => parseZendeskIdentitySettings(value)).toThrow(message);
  });
});

describe('readZendeskAppRegistration', () => {
  const publicKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('reads the registration kept next to the role mapping, and null when there is none', () => {
    expect(readZendeskAppRegistration({ users: {}, app: { installationId: '360001234567', publicKey } })).toEqual({ installationId: '360001234567', publicKey });
    expect(readZendeskAppRegistration({ users: {} })).toBeNull();
  });

  it.each([
    [{ installationId: 'abc', publicKey }],
    [{ installationId: '1', publicKey: 'not a key' }],
    [{ installationId: '1', publicKey, extra: true }],
  ])('refuses a damaged registration %#, saying how to fix it without the key', (app) => {
    expect(() => readZendeskAppRegistration({ app })).toThrow(/callsight zendesk connect/);
    try {
      readZendeskAppRegistration({ app });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('BEGIN PUBLIC KEY');
    }
  });
});

let counter = 0;
const ids = { newId: (prefix: string) => `${prefix}_ledger_${++counter}` };

describe('Zendesk token ledger on the job queue, shared by processes on one database', () => {
  it('SQLite: a token spent through one connection is refused through another, per tenant, until its job completes', async () => {
    const first = openTestSqlite();
    const second = openSqliteDatabase(first.file);
    try {
      const a = createZendeskTokenLedger(new SqliteJobQueue(first.db), ids);
      const b = createZendeskTokenLedger(new SqliteJobQueue(second), ids);
      const expiresAt = new Date(Date.now() + 300_000);
      expect(await a.spend('t1', 'zaf:abc', expiresAt)).toBe(true);
      expect(await b.spend('t1', 'zaf:abc', expiresAt)).toBe(false);
      expect(await a.spend('t1', 'zaf:abc', expiresAt)).toBe(false);
      expect(await b.spend('t2', 'zaf:abc', expiresAt)).toBe(true);

      const queue = new SqliteJobQueue(second);
      expect(await queue.claim({ now: new Date(), limit: 10, leaseMs: 1000, kinds: [ZENDESK_TOKEN_SPENT_JOB] })).toEqual([]);
      const due = await queue.claim({ now: new Date(expiresAt.getTime() + 1), limit: 10, leaseMs: 1000, kinds: [ZENDESK_TOKEN_SPENT_JOB] });
      expect(due.map((job) => job.tenantId).sort()).toEqual(['t1', 't2']);
      for (const job of due) await queue.complete(job.id, new Date());
      expect(await a.spend('t1', 'zaf:abc', expiresAt)).toBe(true);
    } finally {
      second.close();
      first.close();
    }
  });

  describe('PostgreSQL', () => {
    let pg: Awaited<ReturnType<typeof openTestPostgres>>;

    beforeAll(async () => {
      pg = await openTestPostgres();
    });

    afterAll(async () => {
      await pg?.close();
    });

    it('refuses the second of two concurrent spends of one token from two pools', async () => {
      const other = await openPostgresDatabase(pg.url);
      try {
        const a = createZendeskTokenLedger(new PostgresJobQueue(pg.db), ids);
        const b = createZendeskTokenLedger(new PostgresJobQueue(other), ids);
        const expiresAt = new Date(Date.now() + 300_000);
        const results = await Promise.all([a.spend('t1', 'zaf:race', expiresAt), b.spend('t1', 'zaf:race', expiresAt)]);
        expect(results.filter(Boolean)).toHaveLength(1);
      } finally {
        await other.close();
      }
    });
  });
});
