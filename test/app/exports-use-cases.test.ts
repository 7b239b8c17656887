import { afterEach, describe, expect, it } from 'vitest';
import { SqliteExports, SqliteTenantSettings } from '../../adapters/storage/sqlite';
import { createExportsUseCases, type ExportBundleEntry } from '../../app/exports';
import { cliActor } from '../../app/shared/actor';
import { exportPageSchema, exportViewSchema } from '../../core/api/exports.api';
import type { AudioLocation } from '../../core/recordings/audio-store.port';
import type { Call, Tenant } from '../../core/recordings/call';
import type { CallFilter, CallScope } from '../../core/recordings/call-repository.port';
import { openTestSqlite } from '../contracts/support/databases';
import { auditSpy, principal } from './support/audit-spy';

let now = new Date('2026-05-01T08:00:00.000Z');
const tenant: Tenant = { id: 't1', name: 'One', defaultRegion: 'CN', industry: 'general', createdAt: '2020-01-01T00:00:00.000Z' };

function call(id: string, extra: Partial<Call> = {}): Call {
  return {
    id, tenantId: 't1', provider: 'upload', providerCallId: id, channel: 'human', direction: 'inbound',
    startedAt: '2026-04-01T08:00:00.000Z', endedAt: '2026-04-01T08:05:00.000Z', durationS: 300, agentId: 'a-1', team: 'north', queue: null,
    customerPhone: '+8613800138000', inquiryType: null, tags: [], csat: null, crmLinks: [], status: 'stored',
    recording: { format: 'wav', bytes: 1000, sha256: 'a'.repeat(64), channels: 1, durationS: 300, keyId: `k-${id}` }, createdAt: '2026-04-01T08:06:00.000Z',
    ...extra,
  };
}

const calls = new Map<string, Call>([
  ['c1', call('c1')],
  ['c2', call('c2', { agentId: 'a-2', team: 'south', customerPhone: '+8613900139000' })],
  ['c3', call('c3', { status: 'deleted', recording: null })],
]);

/** Calls of tenant t1 as the repository answers them: only what the scope reaches. */
const inScope = (c: Call, scope: CallScope) => scope.kind === 'all' || (scope.kind === 'restricted' && (scope.teams ?? []).includes(c.team ?? ''));

const opened: { close(): void }[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

function setup() {
  const sqlite = openTestSqlite();
  opened.push(sqlite);
  const exportsStore = new SqliteExports(sqlite.db);
  const settings = new SqliteTenantSettings(sqlite.db);
  const spy = auditSpy();
  const written: { meta: unknown; entries: ExportBundleEntry[] }[] = [];
  const listed: CallFilter[] = [];
  let n = 0;
  const useCases = createExportsUseCases({
    exports: exportsStore,
    calls: {
      getCall: async (tenantId, id, scope) => (tenantId === 't1' && calls.has(id) && inScope(calls.get(id)!, scope) ? calls.get(id)! : null),
      listCalls: async (_tenantId, filter, scope) => {
        listed.push(filter);
        const items = [...calls.values()].filter((c) => inScope(c, scope) && (!filter.customerPhone || c.customerPhone === filter.customerPhone) && (!filter.agentId || c.agentId === filter.agentId));
        return { items, nextCursor: null };
      },
    },
    tenants: { getTenant: async (id) => (id === 't1' ? tenant : null) },
    settings,
    clock: { now: () => now },
    ids: { newId: (prefix) => `${prefix}_${++n}` },
    audio: {
      exists: async (location: AudioLocation) => location.recordingId !== 'c2',
      read: async function* () {
        yield new Uint8Array([1, 2, 3]);
      },
    },
    transcripts: { getTranscript: async (_t, id) => (id === 'c1' ? ({ callId: id, segments: [] } as never) : null) },
    bundles: {
      write: ({ meta, entries }) =>
        (async function* () {
          const collected: ExportBundleEntry[] = [];
          for await (const entry of entries) collected.push(entry);
          written.push({ meta, entries: collected });
          yield new Uint8Array([0x50, 0x4b]);
        })(),
    },
    audit: spy.audit,
  });
  return { useCases, exportsStore, settings, spy, written, listed };
}

const alice = principal('admin', { userId: 'u-alice' });
const bob = principal('admin', { userId: 'u-bob' });

async function requested(useCases: ReturnType<typeof setup>['useCases'], callIds = ['c1', 'c2']) {
  return useCases.request(alice, { callIds, reason: 'Regulator request 17' });
}

describe('exports.request', () => {
  it('freezes the requested calls into a pending export and audits its id, count and bytes', async () => {
    const { useCases, spy } = setup();
    const view = await requested(useCases);
    expect(exportViewSchema.parse(view)).toEqual(view);
    expect(view).toMatchObject({ id: 'exp_1', status: 'pending', requestedBy: 'u-alice', callIds: ['c1', 'c2'], callCount: 2, audioBytes: 2000, decidedBy: null });
    expect(spy.events).toEqual([{ tenantId: 't1', actor: 'u-alice', role: 'admin', action: 'request_export', target: 'export:exp_1', outcome: 'allowed', details: { calls: 2, audioBytes: 2000 } }]);
  });

  it('resolves a filter now, reading the phone in the tenant\'s region', async () => {
    const { useCases, listed } = setup();
    const view = await useCases.request(alice, { filter: { customerPhone: '139 0013 9000' }, reason: 'Customer complaint' });
    expect(view.callIds).toEqual(['c2']);
    expect(listed).toEqual([{ customerPhone: '+8613900139000' }]);
  });

  it.each([
    [{ reason: 'no calls given' }, /give either callIds or filter/],
    [{ callIds: ['c1'], filter: {}, reason: 'both given' }, /give either callIds or filter/],
    [{ callIds: ['c1'], reason: 'x' }, /reason: must say why/],
    [{ callIds: ['../etc'], reason: 'bad id here' }, /callIds\.0: is not a valid id/],
  ])('refuses a malformed body with VALIDATION_FAILED and one error event: %j', async (body, message) => {
    const { useCases, spy, exportsStore } = setup();
    await expect(useCases.request(alice, body)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect(await exportsStore.list('t1', { limit: 10 })).toEqual([]);
    expect(spy.events).toEqual([expect.objectContaining({ action: 'request_export', outcome: 'error', reason: 'validation_failed' })]);
  });

  it('denies calls the requester cannot see (CALL_NOT_FOUND), more than maxCalls, non-admins and the system', async () => {
    const { useCases, spy, settings } = setup();
    await expect(useCases.request(alice, { callIds: ['c1', 'c-missing'], reason: 'One is missing' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND', message: '1 of the requested calls are not visible to you' });
    settings.put({ tenantId: 't1', key: 'exports', value: { maxCalls: 1 }, updatedBy: 'u-alice', updatedAt: now.toISOString() });
    await expect(requested(useCases)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: 'An export holds at most 1 calls; split the request' });
    await expect(useCases.request(principal('manager', { teams: ['north'] }), { callIds: ['c1'], reason: 'Team review' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(useCases.request(cliActor('t1'), { callIds: ['c1'], reason: 'The operator' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('two-person rule') });
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'not_found_or_out_of_scope'],
      ['error', 'validation_failed'],
      ['denied', 'role_not_permitted'],
      ['denied', 'person_required'],
    ]);
  });
});

describe('exports.list and exports.get', () => {
  it('lists newest first with a cursor, and reads one export', async () => {
    const { useCases, spy } = setup();
    await requested(useCases, ['c1']);
    now = new Date(now.getTime() + 1000);
    await requested(useCases, ['c2']);
    const page = await useCases.list(alice, { limit: '1' });
    expect(exportPageSchema.parse(page)).toEqual(page);
    expect(page.items.map((v) => v.id)).toEqual(['exp_2']);
    const rest = await useCases.list(bob, { cursor: page.nextCursor! });
    expect(rest.items.map((v) => v.id)).toEqual(['exp_1']);
    await expect(useCases.get(bob, { id: 'exp_1' })).resolves.toMatchObject({ id: 'exp_1', callIds: ['c1'] });
    expect(spy.events.slice(2).map((e) => [e.action, e.target, e.outcome, e.details ?? null])).toEqual([
      ['view_exports', null, 'allowed', { returned: 1 }],
      ['view_exports', null, 'allowed', { returned: 1 }],
      ['view_export', 'export:exp_1', 'allowed', null],
    ]);
  });

  it('answers NOT_FOUND for unknown and malformed ids, and FORBIDDEN to other roles', async () => {
    const { useCases, spy } = setup();
    await expect(useCases.get(alice, { id: 'exp_404' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No export with this id' });
    await expect(useCases.get(alice, { id: '../x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(useCases.list(principal('auditor'), {})).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Your role may not see exports' });
    expect(spy.events.map((e) => [e.action, e.target, e.outcome, e.reason])).toEqual([
      ['view_export', 'export:exp_404', 'denied', 'not_found'],
      ['view_export', null, 'denied', 'not_found'],
      ['view_exports', null, 'denied', 'role_not_permitted'],
    ]);
  });
});

describe('exports.approve and exports.reject (two-person rule)', () => {
  it('refuses the requester\'s own approval, lets another admin approve with the tenant\'s download lifetime, then answers CONFLICT', async () => {
    const { useCases, spy, settings } = setup();
    settings.put({ tenantId: 't1', key: 'exports', value: { downloadTtlMinutes: 90 }, updatedBy: 'u-alice', updatedAt: now.toISOString() });
    const { id } = await requested(useCases);
    await expect(useCases.approve(alice, { id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'An export must be approved or rejected by an admin other than its requester' });
    const approved = await useCases.approve(bob, { id, note: 'checked' });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'u-bob', decisionNote: 'checked', expiresAt: new Date(now.getTime() + 90 * 60_000).toISOString() });
    await expect(useCases.reject(principal('admin', { userId: 'u-carol' }), { id })).rejects.toMatchObject({ code: 'CONFLICT', message: 'This export is already approved' });
    expect(spy.events.slice(1).map((e) => [e.actor, e.action, e.target, e.outcome, e.reason])).toEqual([
      ['u-alice', 'approve_export', `export:${id}`, 'denied', 'self_approval'],
      ['u-bob', 'approve_export', `export:${id}`, 'allowed', 'other_requester'],
      ['u-carol', 'reject_export', `export:${id}`, 'denied', 'export_not_pending'],
    ]);
  });

  it('rejects for good, validates the note and refuses other roles and the system', async () => {
    const { useCases, spy } = setup();
    const { id } = await requested(useCases);
    await expect(useCases.reject(bob, { id, note: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid body: note: /) });
    await expect(useCases.reject(bob, { id, note: 'no legal basis' })).resolves.toMatchObject({ status: 'rejected', expiresAt: null });
    await expect(useCases.approve(principal('manager'), { id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(useCases.approve(cliActor('t1'), { id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(spy.events.slice(1).map((e) => [e.action, e.outcome, e.reason ?? null])).toEqual([
      ['reject_export', 'error', 'validation_failed'],
      ['reject_export', 'allowed', 'other_requester'],
      ['approve_export', 'denied', 'role_not_permitted'],
      ['approve_export', 'denied', 'person_required'],
    ]);
  });
});

describe('exports.download', () => {
  it('streams the requester\'s approved bundle, counts the download and audits calls and audio', async () => {
    const { useCases, spy, written, exportsStore } = setup();
    const { id } = await useCases.request(alice, { callIds: ['c1', 'c2'], reason: 'Court order 42' });
    await useCases.approve(bob, { id });
    const download = await useCases.download(alice, { id });
    expect(download).toMatchObject({ exportId: id, fileName: `callsight-export-${id}.zip`, calls: 2, withAudio: 2 });
    const chunks: Uint8Array[] = [];
    for await (const chunk of download.content) chunks.push(chunk);
    expect(chunks).toEqual([new Uint8Array([0x50, 0x4b])]);
    expect(written[0]!.meta).toMatchObject({ tenantId: 't1', exportId: id, requestedBy: 'u-alice', approvedBy: 'u-bob', extra: { calls: 2 } });
    expect(written[0]!.entries.map((e) => e.path)).toEqual(['export.json', 'calls/c1/metadata.json', 'calls/c1/audio.wav', 'calls/c1/transcript.json', 'calls/c2/metadata.json']);
    expect((await exportsStore.get('t1', id))?.downloads).toBe(1);
    expect(spy.events.at(-1)).toEqual({ tenantId: 't1', actor: 'u-alice', role: 'admin', action: 'download', target: `export:${id}`, outcome: 'allowed', reason: 'own_approved_export', details: { calls: 2, withAudio: 2 } });
  });

  it('refuses another admin (FORBIDDEN), a pending export (CONFLICT) and an expired one (EXPORT_EXPIRED), each denied once', async () => {
    const { useCases, spy } = setup();
    const pending = await requested(useCases, ['c1']);
    await expect(useCases.download(alice, { id: pending.id })).rejects.toMatchObject({ code: 'CONFLICT', message: 'This export is pending; only an approved export can be downloaded' });
    const approved = await requested(useCases, ['c2']);
    await useCases.approve(bob, { id: approved.id });
    await expect(useCases.download(bob, { id: approved.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Only the admin who requested this export may download it' });
    now = new Date(now.getTime() + 25 * 3600_000);
    await expect(useCases.download(alice, { id: approved.id })).rejects.toMatchObject({ code: 'EXPORT_EXPIRED' });
    await expect(useCases.get(alice, { id: approved.id })).resolves.toMatchObject({ status: 'expired' });
    expect(spy.events.filter((e) => e.action === 'download').map((e) => [e.actor, e.outcome, e.reason])).toEqual([
      ['u-alice', 'denied', 'export_not_approved'],
      ['u-bob', 'denied', 'not_requester'],
      ['u-alice', 'denied', 'export_expired'],
    ]);
  });
});
