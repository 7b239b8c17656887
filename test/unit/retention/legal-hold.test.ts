import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../../core/shared/clock.port';
import { buildHoldIndex, isHeld, parseLegalHold, type LegalHold } from '../../../core/retention/legal-hold';
import { decideRetention } from '../../../core/retention/retention.decide';
import { buildPreset } from '../../../core/retention/retention.presets';
import type { RetentionSubject } from '../../../core/retention/retention.policy';
import { makeCall } from './fixtures';

const general = buildPreset('general');
const DUE = new Date('2024-08-01T00:00:00Z'); // the fixture call is due for deletion on 2024-07-13
const hold = (id: string, by: LegalHold['by'], extra: Partial<LegalHold> = {}): LegalHold => ({ id, tenantId: 't-1', by, reason: 'litigation 2024-17', author: 'u-legal', createdAt: '2024-05-01T00:00:00Z', ...extra });

describe('legal holds stop retention', () => {
  const cases: [string, LegalHold, Partial<RetentionSubject>, boolean][] = [
    ['by call id', hold('h', { kind: 'calls', callIds: ['c-9', 'c-1'] }), {}, true],
    ['by another call id', hold('h', { kind: 'calls', callIds: ['c-9'] }), {}, false],
    ['by customer phone', hold('h', { kind: 'customer', phone: '+8613812345678' }), {}, true],
    ['by another phone', hold('h', { kind: 'customer', phone: '+8613900000000' }), {}, false],
    ['by CRM id on any link', hold('h', { kind: 'customer', crmId: '003XYZ' }), { crmLinks: [{ id: '500ABC' }, { id: '003XYZ' }] }, true],
    ['by agent', hold('h', { kind: 'agent', agentId: 'ag-1' }), {}, true],
    ['by filter on tags', hold('h', { kind: 'filter', filter: { tags: ['complaint'] } }), { tags: ['Complaint'] }, true],
    ['by filter whose other criterion fails', hold('h', { kind: 'filter', filter: { tags: ['complaint'], directions: ['outbound'] } }), { tags: ['complaint'] }, false],
    ['by filter on a date window only', hold('h', { kind: 'filter', filter: { startedWithin: [{ from: '2024-01-01', to: '2024-01-31' }] } }), {}, true],
    ['by filter on team', hold('h', { kind: 'filter', filter: { teams: ['team-a'], inquiryTypes: ['退费'] } }), { inquiryType: '退费' }, true],
    ['expired', hold('h', { kind: 'calls', callIds: ['c-1'] }, { expiresAt: '2024-07-31T00:00:00Z' }), {}, false],
    ['expiring exactly now', hold('h', { kind: 'calls', callIds: ['c-1'] }, { expiresAt: DUE.toISOString() }), {}, false],
    ['released', hold('h', { kind: 'calls', callIds: ['c-1'] }, { releasedAt: '2024-07-20T00:00:00Z', releasedBy: 'u-legal' }), {}, false],
    ['released later than now', hold('h', { kind: 'calls', callIds: ['c-1'] }, { releasedAt: '2024-09-01T00:00:00Z' }), {}, true],
    ['of another tenant', hold('h', { kind: 'calls', callIds: ['c-1'] }, { tenantId: 't-2' }), {}, false],
  ];

  it.each(cases)('%s', (_name, h, call, held) => {
    const decision = decideRetention(makeCall(call), general, [h], DUE);
    expect(decision.action).toBe(held ? 'held' : 'delete');
    expect(isHeld(makeCall(call), [h], DUE)).toBe(held);
    if (held) expect(decision).toMatchObject({ ruleId: 'default', basis: 'legal_hold', holdIds: ['h'], heldFrom: 'delete' });
  });

  it('says until when a call is held: the last expiry, or never when a hold has none', () => {
    const a = hold('a', { kind: 'agent', agentId: 'ag-1' }, { expiresAt: '2025-01-01T00:00:00Z' });
    const b = hold('b', { kind: 'calls', callIds: ['c-1'] }, { expiresAt: '2026-01-01T00:00:00Z' });
    const c = hold('c', { kind: 'customer', phone: '+8613812345678' });
    expect(decideRetention(makeCall(), general, [a, b], DUE)).toMatchObject({ action: 'held', at: '2026-01-01T00:00:00.000Z', holdIds: ['b', 'a'] });
    expect(decideRetention(makeCall(), general, [a, b, c], DUE)).toMatchObject({ action: 'held', at: null });
  });

  it('holds a call that is not due yet too, saying nothing is stopped now', () => {
    const h = hold('h', { kind: 'calls', callIds: ['c-1'] });
    expect(decideRetention(makeCall(), general, [h], new Date('2024-02-01T00:00:00Z'))).toMatchObject({ action: 'held', heldFrom: 'keep' });
  });

  it('lets the next sweep act once the hold is released', () => {
    const placed = hold('h', { kind: 'calls', callIds: ['c-1'] });
    expect(decideRetention(makeCall(), general, [placed], DUE).action).toBe('held');
    const released = { ...placed, releasedAt: '2024-08-01T00:00:00Z', releasedBy: 'u-legal' };
    expect(decideRetention(makeCall(), general, [released], new Date('2024-08-02T00:00:00Z')).action).toBe('delete');
  });

  it('refuses an index built for another instant', () => {
    const index = buildHoldIndex([], DUE);
    expect(() => decideRetention(makeCall(), general, index, new Date('2024-08-02T00:00:00Z'))).toThrow(/different instant/);
  });
});

describe('hold index', () => {
  // A slow, obviously correct reading of the same rules, to compare the index against.
  function naiveHolds(call: RetentionSubject, holds: readonly LegalHold[], now: Date): string[] {
    const active = (h: LegalHold) => (h.releasedAt == null || Date.parse(h.releasedAt) > now.getTime()) && (h.expiresAt == null || Date.parse(h.expiresAt) > now.getTime());
    return holds
      .filter((h) => h.tenantId === call.tenantId && active(h))
      .filter((h) => {
        const by = h.by;
        if (by.kind === 'calls') return by.callIds.includes(call.id);
        if (by.kind === 'customer') return by.phone === call.customerPhone || call.crmLinks.some((l) => l.id === by.crmId);
        if (by.kind === 'agent') return by.agentId === call.agentId;
        const f = by.filter;
        const started = Date.parse(call.startedAt);
        return (
          (!f.tags || call.tags.some((t) => f.tags!.includes(t))) &&
          (!f.teams || (call.team != null && f.teams.includes(call.team))) &&
          (!f.directions || f.directions.includes(call.direction)) &&
          (!f.agentIds || (call.agentId !== null && f.agentIds.includes(call.agentId))) &&
          (!f.startedWithin || f.startedWithin.some((w) => started >= Date.parse(`${w.from}T00:00:00Z`) && started < Date.parse(`${w.to}T00:00:00Z`) + 86_400_000))
        );
      })
      .map((h) => h.id)
      .sort();
  }

  it('finds exactly the holds a linear scan finds, over random calls and holds', () => {
    const rnd = createSeededRandom('hold-index');
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd.next() * xs.length)]!;
    const tags = ['vip', 'complaint', 'refund', 'promo'];
    const teams = ['team-a', 'team-b', 'team-c'];
    const day = (d: number) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    const now = new Date('2024-06-01T00:00:00Z');
    const holds: LegalHold[] = [];
    for (let i = 0; i < 150; i++) {
      const kind = pick(['calls', 'customer', 'agent', 'filter-tag', 'filter-team', 'filter-window', 'filter-agent'] as const);
      const by: LegalHold['by'] =
        kind === 'calls' ? { kind, callIds: [`c-${Math.floor(rnd.next() * 1000)}`, `c-${Math.floor(rnd.next() * 1000)}`] }
        : kind === 'customer' ? (rnd.next() < 0.5 ? { kind, phone: `+86138000000${String(Math.floor(rnd.next() * 50)).padStart(2, '0')}` } : { kind, crmId: `crm-${Math.floor(rnd.next() * 50)}` })
        : kind === 'agent' ? { kind, agentId: `ag-${Math.floor(rnd.next() * 200)}` }
        : kind === 'filter-tag' ? { kind: 'filter', filter: { tags: [pick(tags)], teams: [pick(teams)], directions: rnd.next() < 0.5 ? ['outbound'] : undefined } }
        : kind === 'filter-team' ? { kind: 'filter', filter: { teams: [pick(teams)], startedWithin: [(() => { const d = Math.floor(rnd.next() * 190); return { from: day(d), to: day(d + 10) }; })()] } }
        : kind === 'filter-agent' ? { kind: 'filter', filter: { agentIds: [`ag-${Math.floor(rnd.next() * 200)}`], tags: [pick(tags)] } }
        : { kind: 'filter', filter: { startedWithin: [(() => { const d = Math.floor(rnd.next() * 195); return { from: day(d), to: day(d + 2) }; })()] } };
      const lifecycle = rnd.next();
      holds.push(hold(`h-${i}`, by, {
        tenantId: rnd.next() < 0.9 ? 't-1' : 't-2',
        ...(lifecycle < 0.1 ? { expiresAt: '2024-05-01T00:00:00Z' } : lifecycle < 0.2 ? { releasedAt: '2024-05-15T00:00:00Z' } : lifecycle < 0.3 ? { expiresAt: '2024-12-31T00:00:00Z' } : {}),
      }));
    }
    const index = buildHoldIndex(holds, now);
    let held = 0;
    for (let i = 0; i < 2000; i++) {
      const call = makeCall({
        id: `c-${Math.floor(rnd.next() * 1000)}`,
        startedAt: new Date(Date.UTC(2024, 0, 1) + rnd.next() * 200 * 86_400_000).toISOString(),
        tags: tags.filter(() => rnd.next() < 0.3),
        team: pick(teams),
        agentId: `ag-${Math.floor(rnd.next() * 220)}`,
        customerPhone: `+86138000000${String(Math.floor(rnd.next() * 80)).padStart(2, '0')}`,
        crmLinks: [{ id: `crm-${Math.floor(rnd.next() * 80)}` }],
      });
      const found = index.holdsFor(call).map((h) => h.id).sort();
      expect(found).toEqual(naiveHolds(call, holds, now));
      if (found.length > 0) held++;
    }
    // The comparison must exercise both outcomes to mean anything.
    expect(held).toBeGreaterThan(200);
    expect(held).toBeLessThan(1900);
  });

  it('indexes only holds in force', () => {
    expect(buildHoldIndex([hold('a', { kind: 'agent', agentId: 'x' }), hold('b', { kind: 'agent', agentId: 'y' }, { expiresAt: '2024-06-01T00:00:00Z' })], DUE).size).toBe(1);
  });
});

describe('parseLegalHold', () => {
  const valid = { id: 'h-1', tenantId: 't-1', by: { kind: 'customer', phone: '+8613812345678' }, reason: 'court order', author: 'u-legal', createdAt: '2024-05-01T00:00:00Z' };

  it('accepts a valid hold', () => {
    expect(parseLegalHold(valid)).toEqual(valid);
  });

  it.each([
    ['a customer hold without phone or CRM id', { ...valid, by: { kind: 'customer' } }, 'needs a phone or a crmId'],
    ['a phone that is not E.164', { ...valid, by: { kind: 'customer', phone: '13812345678' } }, 'must be an E.164 phone number'],
    ['an empty filter (would hold everything)', { ...valid, by: { kind: 'filter', filter: {} } }, 'needs at least one criterion'],
    ['no reason', { ...valid, reason: ' ' }, 'a hold needs a reason'],
    ['an expiry before creation', { ...valid, expiresAt: '2024-04-01T00:00:00Z' }, 'expiresAt must be after createdAt'],
    ['an empty call list', { ...valid, by: { kind: 'calls', callIds: [] } }, 'must list at least one call id'],
    ['an unknown selector', { ...valid, by: { kind: 'everything' } }, 'by.kind'],
  ])('rejects %s', (_name, input, message) => {
    expect(() => parseLegalHold(input)).toThrow(message);
  });

  it('never echoes the phone number in its error', () => {
    let message = '';
    try {
      parseLegalHold({ ...valid, by: { kind: 'customer', phone: '139-9999-0001' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/E\.164/);
    expect(message).not.toMatch(/9999|0001/);
  });
});
