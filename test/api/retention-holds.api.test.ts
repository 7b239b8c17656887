import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callDeletionSchema, legalHoldPageSchema, legalHoldViewSchema } from '../../core/api/retention.api';
import { startRetentionHub, TENANT, TestClock, type RetentionTestHub } from './retention-harness';

let t: RetentionTestHub;
let admin: string;
const clock = new TestClock('2026-06-01T12:00:00Z');
const OLD = '2025-05-01T09:00:00Z'; // 13 months: past the general preset's 184 days

beforeAll(async () => {
  t = await startRetentionHub({ clock });
  admin = await t.token('admin');
  await t.ingest('by-id', OLD, 6);
  await t.ingest('by-phone', OLD, 6, { customerPhone: '139 0000 1111' });
  await t.ingest('by-crm', OLD, 6, { customerPhone: null, crmLinks: [{ crm: 'zendesk', objectType: 'user', id: 'zd-77' }] });
  await t.ingest('by-agent', OLD, 6, { agentId: 'a-wang', customerPhone: null });
  await t.ingest('by-filter', OLD, 6, { tags: ['诉讼'], customerPhone: null });
  await t.ingest('expiring', OLD, 6, { customerPhone: null, agentId: 'a-zhao' });
  await t.ingest('free', OLD, 6, { customerPhone: null });
  await t.ingest('admin-delete', '2026-05-20T09:00:00Z', 6, { customerPhone: null });
});
afterAll(async () => t.close());

const status = async (name: string) => (await t.call(name)).status;

describe('legal holds over the API', () => {
  const holdIds: Record<string, string> = {};

  it('places holds by call ids, customer phone or CRM id, agent and filter, audited without the phone', async () => {
    const bodies: Record<string, unknown> = {
      'by-id': { by: { kind: 'calls', callIds: [(await t.call('by-id')).id] }, reason: 'Complaint #5521' },
      'by-phone': { by: { kind: 'customer', phone: '139 0000 1111' }, reason: 'Regulator inquiry' },
      'by-crm': { by: { kind: 'customer', crmId: 'zd-77' }, reason: 'Litigation' },
      'by-agent': { by: { kind: 'agent', agentId: 'a-wang' }, reason: 'HR investigation' },
      'by-filter': { by: { kind: 'filter', filter: { tags: ['诉讼'] } }, reason: 'Lawsuit tag' },
      expiring: { by: { kind: 'agent', agentId: 'a-zhao' }, reason: 'Short review', expiresAt: '2026-07-01T00:00:00Z' },
    };
    for (const [name, body] of Object.entries(bodies)) {
      const res = await t.api('POST', '/api/v1/legal-holds', { token: admin, body });
      expect(res.status, name).toBe(201);
      expect(res.body).toMatchObject({ author: 'u-admin', active: true });
      expect(legalHoldViewSchema.parse(res.body)).toEqual(res.body);
      holdIds[name] = res.body.id;
    }
    expect((await t.api('POST', '/api/v1/legal-holds', { token: admin, body: { by: { kind: 'customer' }, reason: 'x' } })).status).toBe(400);
    expect((await t.api('POST', '/api/v1/legal-holds', { token: admin, body: { by: { kind: 'agent', agentId: 'a' }, reason: ' ' } })).status).toBe(400);
    expect((await t.api('POST', '/api/v1/legal-holds', { token: await t.token('manager'), body: bodies['by-agent'] })).status).toBe(403);

    const placed = await t.hub.auditLog.query(TENANT, { action: 'place_legal_hold', outcome: 'allowed', limit: 100 });
    expect(placed).toHaveLength(6);
    expect(JSON.stringify(placed)).not.toContain('1390000');
    // The manager's attempt is denied; the two rejected bodies are errors (validation_failed), one event each.
    expect(await t.hub.auditLog.query(TENANT, { action: 'place_legal_hold', outcome: 'denied', limit: 100 })).toHaveLength(1);
    expect((await t.hub.auditLog.query(TENANT, { action: 'place_legal_hold', outcome: 'error', limit: 100 })).map((e) => e.reason)).toEqual(['validation_failed', 'validation_failed']);

    const listed = await t.api('GET', '/api/v1/legal-holds?active=true', { token: admin });
    expect(listed.body.items).toHaveLength(6);
    expect(legalHoldPageSchema.parse(listed.body)).toEqual(listed.body);
    expect(listed.body.items.find((h: { id: string }) => h.id === holdIds['by-phone']).by.phone).toBe('+8613900001111');
    const forAuditor = await t.api('GET', '/api/v1/legal-holds', { token: await t.token('auditor') });
    expect(forAuditor.status).toBe(200);
    expect(forAuditor.body.items.find((h: { id: string }) => h.id === holdIds['by-phone']).by.phone).not.toContain('0000');
    expect((await t.api('GET', '/api/v1/legal-holds', { token: await t.token('agent') })).status).toBe(403);
  });

  it('a held call survives every sweep, and the dry run says what the holds stop', async () => {
    const plan = await t.api('GET', '/api/v1/retention/plan', { token: admin });
    expect(plan.body.counts).toMatchObject({ delete: 1, held: 6 });
    expect(plan.body.heldBack).toEqual({ archive: 0, delete: 6 });
    for (let day = 0; day < 3; day++) {
      await t.retention.sweepNow();
      for (const name of ['by-id', 'by-phone', 'by-crm', 'by-agent', 'by-filter', 'expiring']) expect(await status(name), name).toBe('stored');
      clock.advanceDays(1);
    }
    expect(await status('free')).toBe('deleted');
  });

  it('refuses an admin deletion of a held call with 423 LEGAL_HOLD, audited as denied', async () => {
    const id = (await t.call('by-id')).id;
    const res = await t.api('DELETE', `/api/v1/calls/${id}`, { token: admin });
    expect(res.status).toBe(423);
    expect(res.body.error.code).toBe('LEGAL_HOLD');
    const events = await t.hub.auditLog.query(TENANT, { action: 'delete', target: `call:${id}`, limit: 10 });
    expect(events.map((e) => [e.outcome, e.reason])).toEqual([['denied', 'legal_hold']]);
    expect(await status('by-id')).toBe('stored');
  });

  it('releasing a hold lets the next sweep act; an expired hold lapses by itself', async () => {
    const released = await t.api('POST', `/api/v1/legal-holds/${holdIds['by-id']}/release`, { token: admin });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ active: false, releasedBy: 'u-admin' });
    expect((await t.api('POST', `/api/v1/legal-holds/${holdIds['by-id']}/release`, { token: admin })).status).toBe(409);
    expect((await t.api('POST', '/api/v1/legal-holds/hold_nope/release', { token: admin })).status).toBe(404);
    expect(await t.hub.auditLog.query(TENANT, { action: 'release_legal_hold', outcome: 'allowed', limit: 10 })).toHaveLength(1);

    await t.retention.sweepNow();
    expect(await status('by-id')).toBe('deleted');
    expect(await status('expiring')).toBe('stored');
    for (const name of ['by-phone', 'by-crm', 'by-agent', 'by-filter']) expect(await status(name)).toBe('stored');

    clock.set('2026-07-01T00:00:01Z');
    await t.retention.sweepNow();
    expect(await status('expiring')).toBe('deleted');
    for (const name of ['by-phone', 'by-crm', 'by-agent', 'by-filter']) expect(await status(name)).toBe('stored');
  });

  it('DELETE /api/v1/calls/:id by an admin crypto-shreds through the same path, audited exactly once', async () => {
    const call = await t.call('admin-delete');
    expect((await t.api('DELETE', `/api/v1/calls/${call.id}`, { token: await t.token('manager') })).status).toBe(403);
    const res = await t.api('DELETE', `/api/v1/calls/${call.id}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ callId: call.id, status: 'deleted', basis: 'admin', ruleId: null, audioSha256: call.recording!.sha256 });
    expect(callDeletionSchema.parse(res.body)).toEqual(res.body);
    const events = await t.hub.auditLog.query(TENANT, { action: 'delete', target: `call:${call.id}`, limit: 10 });
    expect(events.map((e) => [e.action, e.role, e.outcome])).toEqual([
      ['delete', 'manager', 'denied'],
      ['delete', 'admin', 'allowed'],
    ]);
    expect(events[1]!.details).toMatchObject({ certificate: 'deletion', dataKey: 'destroyed', audioSha256: call.recording!.sha256 });
    expect(await t.hub.keys.hasDataKey(TENANT, call.recording!.keyId)).toBe(false);
    expect((await t.api('GET', `/api/v1/calls/${call.id}/audio`, { token: admin })).status).toBe(410);
    const again = await t.api('DELETE', `/api/v1/calls/${call.id}`, { token: admin });
    expect(again.status).toBe(410);
    expect(await t.hub.auditLog.query(TENANT, { action: 'delete', target: `call:${call.id}`, outcome: 'allowed', limit: 10 })).toHaveLength(1);
  });
});
