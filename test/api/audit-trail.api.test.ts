import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { collect, sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { registerAuditCommands } from '../../bin/commands/audit.command';
import { appendEvent, verifyChainSync, type AuditEvent } from '../../core/audit/audit-chain';
import { verifyCheckpoint } from '../../core/audit/audit-checkpoint';
import { checkpointKey, createAccessUseCases } from '../../bin/wiring/access.wiring';
import { cliActor } from '../../app/shared/actor';

const run = promisify(execFile);

let hub: TestHub;
let tenantCounter = 0;

async function get(path: string, token: string) {
  const response = await fetch(`${hub.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as any };
}

/** A fresh tenant whose chain holds `events` events made by real requests. */
async function tenantWithEvents(events: number): Promise<{ tenant: string; auditor: string }> {
  const tenant = `tamper-${++tenantCounter}`;
  await hub.hub.ensureTenant({ id: tenant, name: tenant, defaultRegion: 'CN', industry: 'general' });
  const admin = await hub.token('admin', { tenant, user: 'u-admin' });
  for (let i = 0; i < events; i++) expect((await get('/api/v1/calls', admin)).status).toBe(200);
  return { tenant, auditor: await hub.token('auditor', { tenant, user: 'u-auditor' }) };
}

/** Tampers as an attacker with write access to the database file would: around the append-only trigger. */
function tamper(sql: string, ...params: unknown[]) {
  const db = sqliteOf(hub.hub);
  const trigger = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_events_no_update'").get() as { sql: string }).sql;
  db.exec('DROP TRIGGER audit_events_no_update');
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.exec(trigger);
  }
}

function rows(tenant: string): Promise<AuditEvent[]> {
  return collect(hub.hub.auditLog.iterate(tenant));
}

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 10 });
});
afterAll(async () => hub.close());

describe('GET /api/v1/audit', () => {
  it('is for auditors and admins only; a refused reader is audited', async () => {
    for (const role of ['auditor', 'admin'] as const) expect((await get('/api/v1/audit', await hub.token(role))).status).toBe(200);
    for (const role of ['manager', 'qa', 'agent'] as const) {
      const token = await hub.token(role, { user: `u-${role}`, agentId: 'a-lina', teams: ['north'] });
      const response = await get('/api/v1/audit', token);
      expect(response.status).toBe(403);
      expect(hub.hub.auditLog.head('demo')).toMatchObject({ actor: `u-${role}`, action: 'view_audit', outcome: 'denied', reason: 'role_not_permitted' });
    }
  });

  it('filters by actor, action, outcome, target and time, and pages by seq without overlap', async () => {
    const auditor = await hub.token('auditor');
    const admin = await hub.token('admin', { user: 'u-filter-admin' });
    const { body: page } = await get('/api/v1/calls?limit=3', admin);
    const callId = page.items[0].id;
    await get(`/api/v1/calls/${callId}`, admin);
    const byActor = await get('/api/v1/audit?actor=u-filter-admin', auditor);
    expect(byActor.body.items.map((e: any) => e.action)).toEqual(['list', 'view']);
    const byTarget = await get(`/api/v1/audit?target=call:${callId}&action=view&outcome=allowed`, auditor);
    expect(byTarget.body.items).toHaveLength(1);
    expect(byTarget.body.items[0]).toMatchObject({ actor: 'u-filter-admin', role: 'admin', target: `call:${callId}` });
    const future = await get(`/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`, auditor);
    expect(future.body.items).toEqual([]);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const response: { body: any } = await get(`/api/v1/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}&action=list`, auditor);
      seen.push(...response.body.items.map((e: any) => e.seq));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect((await get('/api/v1/audit?outcome=maybe', auditor)).status).toBe(400);
  });

  it('never shows another tenant\'s events', async () => {
    const { tenant } = await tenantWithEvents(2);
    const response = await get('/api/v1/audit?limit=500', await hub.token('auditor'));
    expect(response.body.items.every((e: any) => e.tenantId === 'demo')).toBe(true);
    const own = await get('/api/v1/audit', await hub.token('auditor', { tenant }));
    expect(own.body.items.map((e: any) => e.tenantId)).toEqual([tenant, tenant]);
  });
});

describe('tamper evidence on the real table', () => {
  const columns: [string, string, unknown][] = [
    ['at', 'at', '2020-01-01T00:00:00.000Z'],
    ['actor', 'actor', 'u-someone-else'],
    ['role', 'role', 'auditor'],
    ['action', 'action', 'view'],
    ['target', 'target', 'call:c_forged'],
    ['outcome', 'outcome', 'denied'],
    ['reason', 'reason', 'covered_up'],
    ['details', 'details_json', '{"returned":0}'],
    ['prevHash', 'prev_hash', 'a'.repeat(64)],
    ['hash', 'hash', 'b'.repeat(64)],
  ];

  it('reports an intact chain', async () => {
    const { auditor } = await tenantWithEvents(5);
    const report = await get('/api/v1/audit/verify', auditor);
    expect(report.body).toMatchObject({ ok: true, checked: 5, head: { seq: 5 }, checkpoint: null });
  });

  it.each(columns)('names the event whose %s column changed', async (_name, column, value) => {
    const { tenant, auditor } = await tenantWithEvents(6);
    tamper(`UPDATE audit_events SET ${column} = ? WHERE tenant_id = ? AND seq = 4`, value, tenant);
    const report = await get('/api/v1/audit/verify', auditor);
    expect(report.body).toMatchObject({ ok: false, checked: 3, firstBroken: { seq: 4, reason: 'hash_mismatch' } });
  });

  it('names a deleted event as a gap', async () => {
    const { tenant, auditor } = await tenantWithEvents(6);
    tamper('DELETE FROM audit_events WHERE tenant_id = ? AND seq = 3', tenant);
    expect((await get('/api/v1/audit/verify', auditor)).body).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'seq_gap' } });
  });

  it('names the first of two swapped events', async () => {
    const { tenant, auditor } = await tenantWithEvents(6);
    const all = 'at, actor, role, action, target, outcome, reason, details_json, prev_hash, hash';
    const two = sqliteOf(hub.hub).prepare(`SELECT seq, ${all} FROM audit_events WHERE tenant_id = ? AND seq IN (2, 5) ORDER BY seq`).all(tenant) as Record<string, unknown>[];
    const set = all.split(', ').map((c) => `${c} = @${c}`).join(', ');
    tamper(`UPDATE audit_events SET ${set} WHERE tenant_id = @tenant AND seq = 2`, { ...two[1], tenant });
    tamper(`UPDATE audit_events SET ${set} WHERE tenant_id = @tenant AND seq = 5`, { ...two[0], tenant });
    expect((await get('/api/v1/audit/verify', auditor)).body).toMatchObject({ ok: false, firstBroken: { seq: 2, reason: 'hash_mismatch' } });
  });

  it('names the link after an event forged with a recomputed hash', async () => {
    const { tenant, auditor } = await tenantWithEvents(6);
    const [e2, e3] = (await rows(tenant)).slice(1, 3);
    const forged = appendEvent(e2!, { ...e3!, actor: 'u-framed' });
    tamper('UPDATE audit_events SET actor = ?, hash = ? WHERE tenant_id = ? AND seq = 3', forged.actor, forged.hash, tenant);
    expect((await get('/api/v1/audit/verify', auditor)).body).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'prev_mismatch' } });
  });

  it('catches a truncated tail and a wholly recomputed chain through the signed checkpoint', async () => {
    const { tenant, auditor } = await tenantWithEvents(6);
    const { audit } = createAccessUseCases(hub.hub);
    const checkpoint = await audit.checkpoint(cliActor(tenant), undefined);
    expect(checkpoint.seq).toBe(6);
    tamper('DELETE FROM audit_events WHERE tenant_id = ? AND seq >= 5', tenant);
    expect((await get('/api/v1/audit/verify', auditor)).body).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: 'seq_gap' }, checkpoint: { seq: 6, valid: true } });

    const other = await tenantWithEvents(4);
    await audit.checkpoint(cliActor(other.tenant), undefined);
    // Rewrite history from event 2 on, every hash recomputed: every link holds, only the checkpoint disagrees.
    const original = await rows(other.tenant);
    let prev: AuditEvent = original[0]!;
    const rewritten = original.slice(1).map((e) => (prev = appendEvent(prev, { ...e, actor: 'u-rewritten' })));
    for (const e of rewritten) tamper('UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE tenant_id = ? AND seq = ?', e.actor, e.prevHash, e.hash, other.tenant, e.seq);
    expect(verifyChainSync(await rows(other.tenant)).ok).toBe(true);
    expect((await get('/api/v1/audit/verify', other.auditor)).body).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: 'hash_mismatch' } });
  });

  it('reports a checkpoint whose signature was forged', async () => {
    const { tenant, auditor } = await tenantWithEvents(3);
    await createAccessUseCases(hub.hub).audit.checkpoint(cliActor(tenant), undefined);
    sqliteOf(hub.hub).prepare('UPDATE audit_checkpoints SET signature = ? WHERE tenant_id = ?').run('0'.repeat(64), tenant);
    expect((await get('/api/v1/audit/verify', auditor)).body).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'checkpoint_invalid' }, checkpoint: { valid: false } });
  });
});

describe('callsight audit', () => {
  /** Runs the real command in this process (fast); one case below also runs the real binary for its exit code. */
  async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
    const program = new Command().exitOverride();
    registerAuditCommands(program);
    const written: string[] = [];
    const write = process.stdout.write;
    const dataDir = process.env.DATA_DIR;
    process.env.DATA_DIR = hub.dataDir;
    process.exitCode = undefined;
    process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'callsight', 'audit', ...args]);
    } finally {
      process.stdout.write = write;
      if (dataDir === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = dataDir;
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return { code, stdout: written.join('') };
  }
  const binary = (...args: string[]) =>
    run('node', ['bin/callsight.mjs', 'audit', ...args], { env: { ...process.env, DATA_DIR: hub.dataDir, LOG_LEVEL: 'silent' } }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );

  it('verify exits 0 on an intact chain and 1 naming the first break', async () => {
    const { tenant } = await tenantWithEvents(4);
    const intact = await cli('verify', '--tenant', tenant, '--json');
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, tenants: [{ tenantId: tenant, checked: 4 }] });
    tamper('UPDATE audit_events SET outcome = ? WHERE tenant_id = ? AND seq = 2', 'denied', tenant);
    const broken = await binary('verify', '--tenant', tenant);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`${tenant}: BROKEN at seq 2 (hash_mismatch)`);
  });

  it('export writes the range as JSON lines with a signed, stored checkpoint of the head', async () => {
    const { tenant } = await tenantWithEvents(5);
    const out = join(hub.dataDir, `${tenant}-audit.jsonl`);
    const result = await cli('export', '--tenant', tenant, '--from', '2000-01-01', '--out', out);
    expect(result.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'header', format: 'callsight-audit-export', tenantId: tenant });
    const events = lines.filter((l) => l.type === 'event').map((l) => l.event as AuditEvent);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.at(-1)).toMatchObject({ action: 'export_audit', actor: 'cli' });
    const checkpoint = lines.at(-1).checkpoint;
    expect(lines.at(-1).type).toBe('checkpoint');
    expect(verifyCheckpoint(checkpoint, checkpointKey(hub.hub, tenant))).toMatchObject({ ok: true, checkpoint: { seq: 6, hash: events.at(-1)!.hash, count: 6 } });
    expect(verifyChainSync(events, { expectedHead: { seq: checkpoint.seq, hash: checkpoint.hash } }).ok).toBe(true);
    expect(hub.hub.auditLog.latestCheckpoint(tenant)).toEqual(checkpoint);
  });

  it('prune removes events past the retention, keeps the chain verifiable, and follows the setting', async () => {
    const tenant = `prune-${++tenantCounter}`;
    await hub.hub.ensureTenant({ id: tenant, name: tenant, defaultRegion: 'CN', industry: 'general' });
    const day = 86_400_000;
    const ages = [800, 700, 500, 400, 100, 10];
    for (const [i, ageDays] of ages.entries()) {
      hub.hub.auditLog.append({ at: new Date(Date.now() - ageDays * day).toISOString(), tenantId: tenant, actor: 'u-x', role: 'admin', action: 'list', target: null, outcome: 'allowed', details: { i } });
    }
    const admin = await hub.token('admin', { tenant });
    const tooShort = await fetch(`${hub.url}/api/v1/settings/audit-retention`, { method: 'PUT', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ keepDays: 200 }) });
    expect(tooShort.status).toBe(400);
    const twoYears = await fetch(`${hub.url}/api/v1/settings/audit-retention`, { method: 'PUT', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ keepDays: 730 }) });
    expect(twoYears.status).toBe(200);

    const { audit } = createAccessUseCases(hub.hub);
    expect(await audit.prune(cliActor(tenant), { dryRun: true })).toMatchObject({ pruned: 1, keepDays: 730, dryRun: true });
    expect(hub.hub.auditLog.get(tenant, 1)).not.toBeNull();

    const first = await audit.prune(cliActor(tenant), { dryRun: false });
    expect(first).toMatchObject({ pruned: 1, anchor: { seq: 1 } });
    // The two settings requests appended seq 7 and 8 and the dry run seq 9; the prune attests its cut in the chain
    // (audit_pruned, seq 10), then its use-case records the prune itself (seq 11).
    expect(hub.hub.auditLog.get(tenant, 10)).toMatchObject({ action: 'audit_pruned', actor: 'cli', details: { throughSeq: 1, prunedCount: 1 } });
    expect(hub.hub.auditLog.head(tenant)).toMatchObject({ seq: 11, action: 'prune_audit', actor: 'cli', outcome: 'allowed', details: { pruned: 1 } });
    expect(await audit.verify(cliActor(tenant), undefined)).toMatchObject({ ok: true, start: { seq: 1 } });

    sqliteOf(hub.hub).prepare('UPDATE tenant_settings SET value_json = ? WHERE tenant_id = ? AND key = ?').run('{"keepDays":365}', tenant, 'audit-retention');
    const second = await cli('prune', '--tenant', tenant, '--json');
    expect(JSON.parse(second.stdout).tenants[0]).toMatchObject({ pruned: 3, anchor: { seq: 4 } });
    expect((await rows(tenant))[0]!.seq).toBe(5);
    const auditor = await hub.token('auditor', { tenant });
    expect((await get('/api/v1/audit/verify', auditor)).body).toMatchObject({ ok: true, start: { seq: 4 } });

    // A forged anchor that hides more deletions is not attested by any audit_pruned event.
    tamper('DELETE FROM audit_events WHERE tenant_id = ? AND seq = 5', tenant);
    const e5 = { seq: 5, hash: 'c'.repeat(64) };
    sqliteOf(hub.hub).prepare('UPDATE audit_anchors SET seq = ?, hash = ? WHERE tenant_id = ?').run(e5.seq, e5.hash, tenant);
    expect((await get('/api/v1/audit/verify', auditor)).body.ok).toBe(false);
  });
});
