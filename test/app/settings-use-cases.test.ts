import { afterEach, describe, expect, it } from 'vitest';
import { SqliteTenantSettings } from '../../adapters/storage/sqlite';
import { createSettingsUseCases, TenantSettingsCache } from '../../app/settings';
import type { Tenant } from '../../core/recordings/call';
import { openTestSqlite } from '../contracts/support/databases';
import { auditSpy, principal } from './support/audit-spy';

const tenants = new Map<string, Tenant>([
  ['t1', { id: 't1', name: 'One', defaultRegion: 'CN', industry: 'general', createdAt: '2026-01-01T00:00:00.000Z' }],
  ['t-fin', { id: 't-fin', name: 'Bank', defaultRegion: 'CN', industry: 'finance', createdAt: '2026-01-01T00:00:00.000Z' }],
]);
const clock = { now: () => new Date('2026-05-01T08:00:00.000Z') };

const opened: { close(): void }[] = [];
afterEach(() => opened.splice(0).forEach((db) => db.close()));

function setup() {
  const sqlite = openTestSqlite();
  opened.push(sqlite);
  const store = new SqliteTenantSettings(sqlite.db);
  const spy = auditSpy();
  const settings = createSettingsUseCases({ settings: new TenantSettingsCache(store), tenants: { getTenant: async (id) => tenants.get(id) ?? null }, clock, audit: spy.audit });
  return { store, spy, settings };
}

const admin = principal('admin');

describe('settings.get', () => {
  it('answers the defaults before anything is saved, by the tenant\'s industry', async () => {
    const { spy, settings } = setup();
    await expect(settings.get(admin, { key: 'exports' })).resolves.toEqual({ key: 'exports', value: { downloadTtlMinutes: 1440, maxCalls: 500 }, updatedBy: null, updatedAt: null });
    await expect(settings.get({ ...admin, tenantId: 't-fin' }, { key: 'audit-retention' })).resolves.toMatchObject({ value: { keepDays: 1827 } });
    expect(spy.events).toEqual([
      expect.objectContaining({ action: 'view_settings', target: 'settings:exports', outcome: 'allowed', actor: 'u-admin' }),
      expect.objectContaining({ action: 'view_settings', target: 'settings:audit-retention', outcome: 'allowed', tenantId: 't-fin' }),
    ]);
  });

  it('overlays the saved fields on the defaults and names who saved them', async () => {
    const { store, spy, settings } = setup();
    store.put({ tenantId: 't1', key: 'exports', value: { maxCalls: 20 }, updatedBy: 'u-other', updatedAt: '2026-04-01T00:00:00.000Z' });
    await expect(settings.get(admin, { key: 'exports' })).resolves.toEqual({ key: 'exports', value: { downloadTtlMinutes: 1440, maxCalls: 20 }, updatedBy: 'u-other', updatedAt: '2026-04-01T00:00:00.000Z' });
    expect(spy.events).toHaveLength(1);
  });

  it('refuses every role but admin with one denied event', async () => {
    const { spy, settings } = setup();
    await expect(settings.get(principal('manager'), { key: 'exports' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Only admins may read or change tenant settings' });
    expect(spy.events).toEqual([expect.objectContaining({ action: 'view_settings', outcome: 'denied', reason: 'role_not_permitted', target: 'settings:exports' })]);
  });

  it.each([
    ['no-such-setting', 'settings:no-such-setting'],
    ['../etc', 'settings:invalid'],
  ])('answers NOT_FOUND naming the known settings for %s, denied once', async (key, target) => {
    const { spy, settings } = setup();
    await expect(settings.get(admin, { key })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No such setting; known settings: audit-retention, exports' });
    expect(spy.events).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'unknown_setting', target })]);
  });
});

describe('settings.change', () => {
  it('saves a valid value, answers the setting as read back, and audits the changed field names only', async () => {
    const { store, spy, settings } = setup();
    const change = await settings.change(admin, { key: 'exports', value: { downloadTtlMinutes: 90, maxCalls: 500 } });
    expect(change).toEqual({ setting: { key: 'exports', value: { downloadTtlMinutes: 90, maxCalls: 500 }, updatedBy: 'u-admin', updatedAt: '2026-05-01T08:00:00.000Z' }, changed: ['downloadTtlMinutes'] });
    expect(store.get('t1', 'exports')?.value).toEqual({ downloadTtlMinutes: 90, maxCalls: 500 });
    expect(spy.events).toEqual([
      { tenantId: 't1', actor: 'u-admin', role: 'admin', action: 'change_settings', target: 'settings:exports', outcome: 'allowed', details: { changed: ['downloadTtlMinutes'] } },
    ]);
  });

  it.each([
    ['audit-retention', { keepDays: 200 }, /^Invalid audit-retention setting: keepDays: /],
    ['exports', { downloadTtlMinutes: 1 }, /^Invalid exports setting: downloadTtlMinutes: /],
    ['exports', { maxCalls: 10, colour: 'red' }, /^Invalid exports setting: \(root\): /],
    ['exports', 'not an object', /^Invalid exports setting: /],
  ])('refuses an invalid %s value with VALIDATION_FAILED, saves nothing, and records one error', async (key, value, message) => {
    const { store, spy, settings } = setup();
    await expect(settings.change(admin, { key, value })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect(store.get('t1', key)).toBeNull();
    expect(store.revision('t1')).toBe(0);
    expect(spy.events).toEqual([expect.objectContaining({ action: 'change_settings', outcome: 'error', reason: 'validation_failed', target: `settings:${key}` })]);
  });

  it('refuses non-admins and unknown keys before anything is saved', async () => {
    const { store, spy, settings } = setup();
    await expect(settings.change(principal('auditor'), { key: 'exports', value: { maxCalls: 1 } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(settings.change(admin, { key: 'colours', value: {} })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(store.revision('t1')).toBe(0);
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'role_not_permitted'],
      ['denied', 'unknown_setting'],
    ]);
  });
});
