import { describe, expect, it } from 'vitest';
import { listConnections, testConnection, type ConnectionProbe, type ConnectionProbes } from '../../app/settings';
import { auditSpy, principal } from './support/audit-spy';

const clock = { now: () => new Date('2026-06-01T12:00:00.000Z') };

function probes(): { probes: ConnectionProbes; tested: string[] } {
  const tested: string[] = [];
  const probe = (kind: string, configured: Awaited<ReturnType<ConnectionProbe['configured']>>, test: Awaited<ReturnType<ConnectionProbe['test']>>): ConnectionProbe => ({
    configured: async () => configured,
    test: async (tenantId) => {
      tested.push(`${tenantId}:${kind}`);
      return test;
    },
  });
  return {
    tested,
    probes: {
      zendesk: probe('zendesk', { status: 'ok', code: null, target: 'acme' }, { status: 'error', code: 'CRM_AUTH_EXPIRED', target: 'acme' }),
      salesforce: probe('salesforce', { status: 'not_configured', code: null, target: null }, { status: 'not_configured', code: null, target: null }),
      twilio: probe('twilio', { status: 'ok', code: null, target: 'AC…12' }, { status: 'ok', code: null, target: 'AC…12' }),
      transcription: probe('transcription', { status: 'ok', code: null, target: 'pocketsphinx' }, { status: 'ok', code: null, target: 'pocketsphinx' }),
    },
  };
}

describe('connections', () => {
  it('lists every connection from stored settings without testing any, one event', async () => {
    const spy = auditSpy();
    const p = probes();
    const list = await listConnections.bind({ probes: p.probes, clock, audit: spy.audit })(principal('admin'), undefined);
    expect(list.items.map((item) => [item.kind, item.status])).toEqual([
      ['zendesk', 'ok'],
      ['salesforce', 'not_configured'],
      ['twilio', 'ok'],
      ['transcription', 'ok'],
    ]);
    expect(p.tested).toEqual([]);
    expect(spy.events).toEqual([expect.objectContaining({ action: 'view_settings', outcome: 'allowed', details: { configured: 3 } })]);
  });

  it("tests one connection of the actor's tenant and records its outcome and code", async () => {
    const spy = auditSpy();
    const p = probes();
    const result = await testConnection.bind({ probes: p.probes, clock, audit: spy.audit })(principal('admin'), { kind: 'zendesk' });
    expect(result).toEqual({ kind: 'zendesk', status: 'error', code: 'CRM_AUTH_EXPIRED', target: 'acme', checkedAt: '2026-06-01T12:00:00.000Z' });
    expect(p.tested).toEqual(['t1:zendesk']);
    expect(spy.events).toEqual([
      expect.objectContaining({ action: 'test_connection', target: 'connection:zendesk', outcome: 'allowed', reason: 'error', details: { code: 'CRM_AUTH_EXPIRED' } }),
    ]);
  });

  it('VALIDATION_FAILED for an unknown kind; other roles refused before any probe runs', async () => {
    const spy = auditSpy();
    const p = probes();
    const test = testConnection.bind({ probes: p.probes, clock, audit: spy.audit });
    await expect(test(principal('admin'), { kind: 'fax' } as unknown as { kind: 'twilio' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    for (const role of ['agent', 'qa', 'manager', 'auditor'] as const) {
      await expect(test(principal(role), { kind: 'twilio' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(p.tested).toEqual([]);
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([['error', 'validation_failed'], ...Array(4).fill(['denied', 'role_not_permitted'])]);
  });
});
