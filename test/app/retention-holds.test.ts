import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../app/shared/actor';
import { principal } from './support/audit-spy';
import { retentionFixture, type RetentionFixture } from './retention-fakes';

let f: RetentionFixture;
beforeEach(async () => {
  f = retentionFixture();
  await f.setup();
});
afterEach(() => f.close());

const byPhone = { by: { kind: 'customer', phone: '139 0000 1111' }, reason: 'Regulator inquiry' } as const;

describe('place-legal-hold', () => {
  it('stores the hold with the phone read in the tenant region, authored by the actor; the event has its kind, not the phone', async () => {
    const hold = await f.useCases.placeHold(principal('admin'), byPhone);
    expect(hold).toMatchObject({ id: 'hold_1', tenantId: 't1', by: { kind: 'customer', phone: '+8613900001111' }, author: 'u-admin', active: true, expiresAt: null, releasedAt: null });
    expect(await f.store.getHold('t1', 'hold_1')).toMatchObject({ by: { phone: '+8613900001111' } });
    expect(f.spy.events).toEqual([
      { tenantId: 't1', actor: 'u-admin', role: 'admin', action: 'place_legal_hold', target: 'legal_hold:hold_1', outcome: 'allowed', details: { kind: 'customer', expiresAt: null } },
    ]);
    expect(JSON.stringify(f.spy.events)).not.toContain('1390000');
  });

  it.each([
    ['a customer hold without phone or CRM id', { by: { kind: 'customer' }, reason: 'x' }, 'Legal hold rejected: by: a customer hold needs a phone or a crmId'],
    ['a blank reason', { by: { kind: 'agent', agentId: 'a' }, reason: ' ' }, 'Legal hold rejected: reason: a hold needs a reason'],
    ['a phone that is no phone number', { by: { kind: 'customer', phone: 'call me' }, reason: 'x' }, 'Legal hold rejected: by.phone: not a valid phone number.'],
    ['an unknown selector', { by: { kind: 'everything' }, reason: 'x' }, 'Legal hold rejected: by.kind:'],
  ])('rejects %s with VALIDATION_FAILED, one error event, nothing stored', async (_name, body, message) => {
    const error = await f.useCases.placeHold(principal('admin'), body as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('call me');
    expect(f.spy.events).toMatchObject([{ outcome: 'error', reason: 'validation_failed' }]);
    expect((await f.store.listHolds('t1', { limit: 10 })).items).toEqual([]);
  });

  it('is for admins (and the operator) only', async () => {
    await expect(f.useCases.placeHold(principal('manager'), byPhone)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(f.useCases.placeHold(cliActor('t1'), byPhone)).resolves.toMatchObject({ author: 'cli' });
  });
});

describe('list-legal-holds', () => {
  it('lists newest first, masks phones for auditors, filters to holds in force, records how many it returned', async () => {
    await f.useCases.placeHold(principal('admin'), byPhone);
    await f.useCases.placeHold(principal('admin'), { by: { kind: 'agent', agentId: 'a-zhao' }, reason: 'Short', expiresAt: '2026-06-10T00:00:00Z' });
    f.spy.events.length = 0;
    const forAdmin = await f.useCases.listHolds(principal('admin'), {});
    expect(forAdmin.items.map((h) => h.id).sort()).toEqual(['hold_1', 'hold_2']);
    expect(forAdmin.items.find((h) => h.id === 'hold_1')!.by).toEqual({ kind: 'customer', phone: '+8613900001111' });
    const forAuditor = await f.useCases.listHolds(principal('auditor'), { limit: '10' });
    const masked = forAuditor.items.find((h) => h.id === 'hold_1')!.by as { phone: string };
    expect(masked.phone).not.toContain('0000');
    f.advanceDays(10);
    expect((await f.useCases.listHolds(principal('admin'), { active: 'true' })).items.map((h) => h.id)).toEqual(['hold_1']);
    expect(f.spy.events.map((e) => [e.action, e.outcome, (e.details as { returned: number }).returned])).toEqual([
      ['list_legal_holds', 'allowed', 2],
      ['list_legal_holds', 'allowed', 2],
      ['list_legal_holds', 'allowed', 1],
    ]);
  });

  it('VALIDATION_FAILED for a bad query; FORBIDDEN for agents', async () => {
    await expect(f.useCases.listHolds(principal('admin'), { limit: '0' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid query: limit: /) });
    await expect(f.useCases.listHolds(principal('agent'), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('release-legal-hold', () => {
  it('releases once: then CONFLICT; an unknown or malformed id is NOT_FOUND; one event each', async () => {
    await f.useCases.placeHold(principal('admin'), byPhone);
    f.spy.events.length = 0;
    const released = await f.useCases.releaseHold(principal('admin'), { holdId: 'hold_1' });
    expect(released).toMatchObject({ id: 'hold_1', active: false, releasedBy: 'u-admin', releasedAt: '2026-06-01T12:00:00.000Z' });
    await expect(f.useCases.releaseHold(principal('admin'), { holdId: 'hold_1' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(f.useCases.releaseHold(principal('admin'), { holdId: 'hold_nope' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No legal hold with this id' });
    await expect(f.useCases.releaseHold(principal('admin'), { holdId: '../x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(f.spy.events.map((e) => [e.target, e.outcome, e.reason ?? null])).toEqual([
      ['legal_hold:hold_1', 'allowed', null],
      ['legal_hold:hold_1', 'error', 'conflict'],
      ['legal_hold:hold_nope', 'denied', 'not_found'],
      [null, 'denied', 'not_found'],
    ]);
  });
});
