import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ExportStore, NewExport, StoredExport } from '../../core/access/export-store.port';
import type { TenantSettingsStore } from '../../core/access/tenant-settings.port';
import type { CrmConnectionStore } from '../../core/crm/crm-connections.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { ProviderAccountStore } from '../../core/recordings/provider-accounts.port';
import { T1, T2 } from './support/fixtures';

/** The access stores on one fresh database, with the call repository that creates their tenants. */
export interface AccessStoresUnderTest {
  readonly calls: CallRepository;
  readonly exports: ExportStore;
  readonly settings: TenantSettingsStore;
  readonly accounts: ProviderAccountStore;
  readonly connections: CrmConnectionStore;
  close(): Promise<void>;
}

export type OpenAccessStores = () => Promise<AccessStoresUnderTest>;

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 8, minute)).toISOString();

function newExport(id: string, over: Partial<NewExport> = {}): NewExport {
  return { tenantId: 't1', id, requestedBy: 'u-req', reason: 'Regulator request 42', filter: null, callIds: ['c02', 'c01'], audioBytes: 1000, createdAt: at(0), ...over };
}

/** Throws synchronously or rejects: either way a promise that rejects, so stores of both kinds are asserted alike. */
const attempt = (work: () => unknown): Promise<unknown> => Promise.resolve().then(work);

/** Bytes as a plain array, whatever view (Buffer or Uint8Array) the store returned them in. */
const bytes = (view: Uint8Array | undefined) => (view ? [...view] : undefined);

/**
 * The contract of the export, tenant-settings, provider-account and CRM-connection stores: every adapter (SQLite,
 * PostgreSQL) must give these answers. `open` returns fresh, empty stores shared by the tests below, each of which
 * uses its own ids.
 */
export function describeAccessStoresContract(open: OpenAccessStores): void {
  let s: AccessStoresUnderTest;

  beforeAll(async () => {
    s = await open();
    await s.calls.upsertTenant(T1);
    await s.calls.upsertTenant(T2);
  });
  afterAll(async () => s?.close());

  it('creates a pending export and reads it back unchanged, only in its own tenant', async () => {
    const input = newExport('e-create', { filter: { agentId: 'a1', tags: ['vip', '退款'] }, callIds: ['c03', 'c01', 'c02'], audioBytes: 5_000_000_000 });
    const created = await s.exports.create(input);
    const expected: StoredExport = { ...input, status: 'pending', decidedBy: null, decidedAt: null, decisionNote: null, expiresAt: null, downloads: 0, lastDownloadAt: null };
    expect(created).toEqual(expected);
    expect(await s.exports.get('t1', 'e-create')).toEqual(expected);
    expect(await s.exports.get('t2', 'e-create')).toBeNull();
    expect(await s.exports.get('t1', 'e-missing')).toBeNull();
  });

  it('refuses a second export with the same id with CONFLICT, keeping the first; other tenants may reuse it', async () => {
    const first = await s.exports.create(newExport('e-dup'));
    await expect(attempt(() => s.exports.create(newExport('e-dup', { requestedBy: 'u-other', reason: 'another' })))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await s.exports.get('t1', 'e-dup')).toEqual(first);
    expect((await s.exports.create(newExport('e-dup', { tenantId: 't2' }))).tenantId).toBe('t2');
  });

  it('lists exports newest first, ties by id in byte order, paging with the createdAt/id cursor and a status filter', async () => {
    const tenantId = 't-list';
    const specs: [string, number][] = [['p-1', 1], ['p-B', 3], ['p-a', 3], ['p-2', 2], ['p-10', 3], ['p-3', 5]];
    for (const [id, minute] of specs) await s.exports.create(newExport(id, { tenantId, createdAt: at(minute) }));
    await s.exports.decide(tenantId, 'p-2', { status: 'approved', by: 'u-appr', at: at(9), note: null, expiresAt: at(60) });
    await s.exports.decide(tenantId, 'p-a', { status: 'rejected', by: 'u-appr', at: at(9), note: 'too broad', expiresAt: null });
    const expected = ['p-3', 'p-a', 'p-B', 'p-10', 'p-2', 'p-1'];

    const all = await s.exports.list(tenantId, { limit: 100 });
    expect(all.map((e) => e.id)).toEqual(expected);
    const paged: string[] = [];
    let before: { createdAt: string; id: string } | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await s.exports.list(tenantId, { limit: 3, ...(before ? { before } : {}) });
      paged.push(...page.map((e) => e.id));
      if (page.length < 3) break;
      before = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id };
    }
    expect(paged).toEqual(expected);
    expect((await s.exports.list(tenantId, { status: 'pending', limit: 100 })).map((e) => e.id)).toEqual(['p-3', 'p-B', 'p-10', 'p-1']);
    expect((await s.exports.list(tenantId, { status: 'pending', limit: 2, before: { createdAt: at(3), id: 'p-B' } })).map((e) => e.id)).toEqual(['p-10', 'p-1']);
    expect((await s.exports.list(tenantId, { status: 'approved', limit: 100 })).map((e) => e.id)).toEqual(['p-2']);
    expect(await s.exports.list('nobody', { limit: 100 })).toEqual([]);
    expect((await s.exports.list('t1', { limit: 100 })).map((e) => e.id)).not.toContain('p-3');
  });

  it('applies a decision once, by someone other than the requester, to a pending export of the tenant', async () => {
    const created = await s.exports.create(newExport('e-decide'));
    const approval = { status: 'approved', by: 'u-appr', at: at(10), note: 'ok for the regulator', expiresAt: at(70) } as const;
    expect(await s.exports.decide('t1', 'e-decide', { ...approval, by: 'u-req' })).toBeNull();
    expect(await s.exports.decide('t2', 'e-decide', approval)).toBeNull();
    expect(await s.exports.decide('t1', 'e-nope', approval)).toBeNull();
    expect((await s.exports.get('t1', 'e-decide'))?.status).toBe('pending');

    const decided = await s.exports.decide('t1', 'e-decide', approval);
    expect(decided).toEqual({ ...created, status: 'approved', decidedBy: 'u-appr', decidedAt: at(10), decisionNote: 'ok for the regulator', expiresAt: at(70) });
    expect(await s.exports.decide('t1', 'e-decide', { status: 'rejected', by: 'u-other', at: at(11), note: null, expiresAt: null })).toBeNull();
    expect(await s.exports.get('t1', 'e-decide')).toEqual(decided);

    await s.exports.create(newExport('e-reject'));
    expect(await s.exports.decide('t1', 'e-reject', { status: 'rejected', by: 'u-appr', at: at(12), note: null, expiresAt: null })).toMatchObject({
      status: 'rejected', decidedBy: 'u-appr', decidedAt: at(12), decisionNote: null, expiresAt: null,
    });
  });

  it('lets only one of several racing approvers decide', async () => {
    await s.exports.create(newExport('e-race'));
    const results = await Promise.all(
      ['u-a1', 'u-a2', 'u-a3', 'u-a4', 'u-a5', 'u-a6'].map((by, i) =>
        attempt(() => s.exports.decide('t1', 'e-race', { status: i % 2 === 0 ? 'approved' : 'rejected', by, at: at(20), note: by, expiresAt: null })),
      ),
    );
    const winners = results.filter((r): r is StoredExport => r !== null);
    expect(winners).toHaveLength(1);
    expect(await s.exports.get('t1', 'e-race')).toEqual(winners[0]);
    expect(winners[0]!.decisionNote).toBe(winners[0]!.decidedBy);
  });

  it('counts every download, concurrent ones included, and ignores unknown exports', async () => {
    await s.exports.create(newExport('e-download'));
    await s.exports.recordDownload('t1', 'e-download', at(30));
    await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(() => s.exports.recordDownload('t1', 'e-download', at(31 + i)))));
    const stored = await s.exports.get('t1', 'e-download');
    expect(stored?.downloads).toBe(11);
    expect(stored?.lastDownloadAt).toMatch(/^2026-03-01T08:(3\d|40):00\.000Z$/);
    await s.exports.recordDownload('t2', 'e-download', at(50));
    await s.exports.recordDownload('t1', 'e-none', at(50));
    expect((await s.exports.get('t1', 'e-download'))?.downloads).toBe(11);
    expect(await s.exports.get('t1', 'e-none')).toBeNull();
  });

  it('stores tenant settings per tenant and key, a second put replacing the first', async () => {
    expect(await s.settings.get('t1', 'exports')).toBeNull();
    await s.settings.put({ tenantId: 't1', key: 'exports', value: { maxCalls: 50, note: '导出' }, updatedBy: 'u-admin', updatedAt: at(1) });
    await s.settings.put({ tenantId: 't2', key: 'exports', value: [1, 'two', null], updatedBy: 'u-other', updatedAt: at(2) });
    await s.settings.put({ tenantId: 't1', key: 'audit_retention', value: 400, updatedBy: 'u-admin', updatedAt: at(3) });
    expect(await s.settings.get('t1', 'exports')).toEqual({ tenantId: 't1', key: 'exports', value: { maxCalls: 50, note: '导出' }, updatedBy: 'u-admin', updatedAt: at(1) });
    expect(await s.settings.get('t2', 'exports')).toEqual({ tenantId: 't2', key: 'exports', value: [1, 'two', null], updatedBy: 'u-other', updatedAt: at(2) });
    expect((await s.settings.get('t1', 'audit_retention'))?.value).toBe(400);
    await s.settings.put({ tenantId: 't1', key: 'exports', value: { maxCalls: 10 }, updatedBy: 'u-admin2', updatedAt: at(4) });
    expect(await s.settings.get('t1', 'exports')).toEqual({ tenantId: 't1', key: 'exports', value: { maxCalls: 10 }, updatedBy: 'u-admin2', updatedAt: at(4) });
    expect((await s.settings.get('t2', 'exports'))?.value).toEqual([1, 'two', null]);
    expect(await s.settings.get('t2', 'audit_retention')).toBeNull();
  });

  it('maps provider accounts to tenants, a second save replacing tenant, secret and settings', async () => {
    expect(await s.accounts.find('zendesk', 'acme')).toBeNull();
    const secret = new Uint8Array([0, 1, 2, 250, 255, 0]);
    await s.accounts.save({ provider: 'zendesk', accountId: 'acme', tenantId: 't1', sealedSecret: secret, settings: { roles: { admin: 'admin' } } }, new Date(at(0)));
    await s.accounts.save({ provider: 'twilio', accountId: 'acme', tenantId: 't2', sealedSecret: new Uint8Array([9]), settings: {} }, new Date(at(0)));
    const found = await s.accounts.find('zendesk', 'acme');
    expect({ ...found, sealedSecret: bytes(found?.sealedSecret) }).toEqual({ provider: 'zendesk', accountId: 'acme', tenantId: 't1', sealedSecret: [0, 1, 2, 250, 255, 0], settings: { roles: { admin: 'admin' } } });
    expect((await s.accounts.find('twilio', 'acme'))?.tenantId).toBe('t2');
    expect(await s.accounts.find('zendesk', 'ACME')).toBeNull();

    await s.accounts.save({ provider: 'zendesk', accountId: 'acme', tenantId: 't2', sealedSecret: new Uint8Array([7, 7]), settings: { users: {} } }, new Date(at(5)));
    const moved = await s.accounts.find('zendesk', 'acme');
    expect({ ...moved, sealedSecret: bytes(moved?.sealedSecret) }).toEqual({ provider: 'zendesk', accountId: 'acme', tenantId: 't2', sealedSecret: [7, 7], settings: { users: {} } });
  });

  it('refuses a provider account of an unknown tenant with NOT_FOUND, storing nothing', async () => {
    await expect(
      attempt(() => s.accounts.save({ provider: 'twilio', accountId: 'AC-ghost', tenantId: 'ghost', sealedSecret: new Uint8Array([1]), settings: {} }, new Date(at(0)))),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await s.accounts.find('twilio', 'AC-ghost')).toBeNull();
  });

  it('keeps one CRM connection per tenant and CRM: save, replace, read, remove', async () => {
    expect(await s.connections.get('t1', 'zendesk')).toBeNull();
    expect(await s.connections.has('t1', 'zendesk')).toBe(false);
    await s.connections.save({ tenantId: 't1', crm: 'zendesk', accountId: 'acme', sealedSecret: new Uint8Array([1, 2, 3]), settings: { email: 'sync@acme.example' } }, new Date(at(0)));
    await s.connections.save({ tenantId: 't2', crm: 'zendesk', accountId: 'globex', sealedSecret: new Uint8Array([4]), settings: {} }, new Date(at(0)));
    const row = await s.connections.get('t1', 'zendesk');
    expect({ ...row, sealedSecret: bytes(row?.sealedSecret) }).toEqual({ tenantId: 't1', crm: 'zendesk', accountId: 'acme', sealedSecret: [1, 2, 3], settings: { email: 'sync@acme.example' } });
    expect(await s.connections.has('t1', 'zendesk')).toBe(true);
    expect(await s.connections.has('t1', 'salesforce')).toBe(false);
    expect(await s.connections.get('t1', 'salesforce')).toBeNull();

    await s.connections.save({ tenantId: 't1', crm: 'zendesk', accountId: 'acme2', sealedSecret: new Uint8Array([255]), settings: { notes: { enabled: true } } }, new Date(at(5)));
    const replaced = await s.connections.get('t1', 'zendesk');
    expect({ ...replaced, sealedSecret: bytes(replaced?.sealedSecret) }).toEqual({ tenantId: 't1', crm: 'zendesk', accountId: 'acme2', sealedSecret: [255], settings: { notes: { enabled: true } } });
    expect((await s.connections.get('t2', 'zendesk'))?.accountId).toBe('globex');

    expect(await s.connections.remove('t1', 'zendesk')).toBe(true);
    expect(await s.connections.remove('t1', 'zendesk')).toBe(false);
    expect(await s.connections.get('t1', 'zendesk')).toBeNull();
    expect(await s.connections.has('t2', 'zendesk')).toBe(true);
  });

  it('refuses a CRM connection of an unknown tenant with NOT_FOUND, storing nothing', async () => {
    await expect(
      attempt(() => s.connections.save({ tenantId: 'ghost', crm: 'salesforce', accountId: 'org', sealedSecret: new Uint8Array([1]), settings: {} }, new Date(at(0)))),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await s.connections.has('ghost', 'salesforce')).toBe(false);
  });
}
