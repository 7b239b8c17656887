import { describe, expect, it } from 'vitest';
import { appendEvent, verifyChainSync, type AuditEvent } from '../../../core/audit/audit-chain';
import { auditRetentionCutoff, parseAuditRetentionPolicy, preparePrune } from '../../../core/audit/audit-retention';

function chainOver(days: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let d = 0; d < days; d++) {
    events.push(appendEvent(events[d - 1] ?? null, { at: new Date(Date.UTC(2023, 0, 1 + d, 12)).toISOString(), tenantId: 't-1', actor: 'u-1', role: 'agent', action: 'play', target: `call:c-${d}`, outcome: 'allowed' }));
  }
  return events;
}

describe('audit retention', () => {
  it.each([
    ['2025-03-01T15:30:00Z', 365, '2024-03-01T00:00:00.000Z'],
    ['2025-03-01T00:00:00Z', 365, '2024-03-01T00:00:00.000Z'],
    ['2025-03-01T23:59:59Z', 1827, '2020-02-29T00:00:00.000Z'],
  ])('at %s keeping %i days cuts off before %s', (now, keepDays, cutoff) => {
    expect(auditRetentionCutoff(new Date(now), { keepDays }).toISOString()).toBe(cutoff);
  });

  it.each([[364], [0], [365.5], [-1]])('refuses keepDays %s', (keepDays) => {
    expect(() => parseAuditRetentionPolicy({ keepDays })).toThrow(/keepDays/);
  });

  it('prunes old events and the rest still verifies from the attested anchor', () => {
    const events = chainOver(800);
    const cutoff = auditRetentionCutoff(new Date('2025-01-01T10:00:00Z'), { keepDays: 365 });
    const prunable = events.filter((e) => Date.parse(e.at) < cutoff.getTime());
    const lastPruned = prunable[prunable.length - 1]!;
    const plan = preparePrune({ head: events[events.length - 1]!, lastPruned, prunedCount: prunable.length, cutoff, at: '2025-01-01T10:00:00.000Z', actor: null });
    expect(plan.anchor).toMatchObject({ seq: lastPruned.seq, hash: lastPruned.hash, prunedCount: prunable.length });
    expect(plan.event).toMatchObject({ seq: 801, action: 'audit_pruned', details: { throughSeq: lastPruned.seq, throughHash: lastPruned.hash } });

    const kept = [...events.filter((e) => e.seq > lastPruned.seq), plan.event];
    expect(kept.every((e) => e.seq === plan.event.seq || Date.parse(e.at) >= cutoff.getTime())).toBe(true);
    expect(verifyChainSync(kept, { start: plan.anchor })).toMatchObject({ ok: true, checked: kept.length });
    expect(verifyChainSync(kept.slice(0, -1), { start: plan.anchor }).firstBroken).toEqual({ seq: lastPruned.seq, reason: 'anchor_unattested' });
    // Pruning one more event than the anchor says leaves a hole that verification names.
    expect(verifyChainSync(kept.slice(1), { start: plan.anchor }).firstBroken).toEqual({ seq: lastPruned.seq + 1, reason: 'seq_gap' });
  });

  it('never prunes events younger than the cutoff, nor the head', () => {
    const events = chainOver(10);
    const cutoff = new Date('2023-01-05T00:00:00Z');
    expect(() => preparePrune({ head: events[9]!, lastPruned: events[5]!, prunedCount: 6, cutoff, at: '2025-01-01T00:00:00.000Z', actor: null })).toThrow(/not older than the retention cutoff/);
    expect(() => preparePrune({ head: events[9]!, lastPruned: events[9]!, prunedCount: 10, cutoff: new Date('2030-01-01'), at: '2030-01-01T00:00:00.000Z', actor: null })).toThrow(/head event is never pruned/);
  });
});
