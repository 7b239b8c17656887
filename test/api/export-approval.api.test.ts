import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { Command } from 'commander';
import { sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { registerExportCommands } from '../../bin/commands/export.command';
import { openZip } from '../../adapters/export/zip';
import { verifyExportBundle } from '../../bin/wiring/access.wiring';
import { exportPageSchema, exportViewSchema } from '../../core/api/exports.api';
import { errorBodySchema } from '../../core/api/common.api';

const run = promisify(execFile);

let hub: TestHub;
let alice: string; // admin who requests
let bob: string; // second admin who approves
let callIds: string[];

async function api(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? ((await response.json()) as any) : new Uint8Array(await response.arrayBuffer());
  return { status: response.status, body: payload, headers: response.headers };
}

async function auditTail(count: number) {
  const head = (await hub.hub.auditLog.head('demo'))!;
  return hub.hub.auditLog.query('demo', { afterSeq: head.seq - count, limit: count });
}

async function approvedExport(ids: readonly string[]): Promise<string> {
  const created = await api('POST', '/api/v1/exports', alice, { callIds: ids, reason: 'Regulator request 2026-17' });
  expect(created.status).toBe(201);
  const approved = await api('POST', `/api/v1/exports/${created.body.id}/approve`, bob, { note: 'checked' });
  expect(approved.status).toBe(200);
  return created.body.id as string;
}

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 10 });
  await hub.hub.jobs.drain();
  alice = await hub.token('admin', { user: 'u-alice' });
  bob = await hub.token('admin', { user: 'u-bob' });
  const list = await api('GET', '/api/v1/calls?limit=50', alice);
  const withTranscript = list.body.items.filter((c: any) => hub.hub.transcripts.getTranscript('demo', c.id));
  const withoutTranscript = list.body.items.filter((c: any) => !hub.hub.transcripts.getTranscript('demo', c.id));
  callIds = [withTranscript[0].id, withTranscript[1].id, withoutTranscript[0].id];
});
afterAll(async () => hub.close());

describe('two-person export approval', () => {
  it('keeps a request pending, refuses the requester\'s own approval (403), and lets another admin approve', async () => {
    const created = await api('POST', '/api/v1/exports', alice, { callIds, reason: 'Court order 42/2026' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', requestedBy: 'u-alice', callCount: 3, decidedBy: null });

    const early = await api('GET', `/api/v1/exports/${created.body.id}/download`, alice);
    expect(early.status).toBe(409);

    const self = await api('POST', `/api/v1/exports/${created.body.id}/approve`, alice);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('FORBIDDEN');
    expect((await auditTail(1))[0]).toMatchObject({ actor: 'u-alice', action: 'approve_export', outcome: 'denied', reason: 'self_approval', target: `export:${created.body.id}` });

    const approved = await api('POST', `/api/v1/exports/${created.body.id}/approve`, bob, { note: 'ok' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'u-bob', decisionNote: 'ok' });
    const ttlMs = Date.parse(approved.body.expiresAt) - Date.parse(approved.body.decidedAt);
    expect(ttlMs).toBe(24 * 3600_000);
    expect((await auditTail(1))[0]).toMatchObject({ actor: 'u-bob', action: 'approve_export', outcome: 'allowed' });

    const again = await api('POST', `/api/v1/exports/${created.body.id}/approve`, await hub.token('admin', { user: 'u-carol' }));
    expect(again.status).toBe(409);
  });

  it('lets only the requester download, and a rejected export never', async () => {
    const id = await approvedExport(callIds.slice(0, 1));
    expect((await api('GET', `/api/v1/exports/${id}/download`, bob)).status).toBe(403);
    expect((await auditTail(1))[0]).toMatchObject({ actor: 'u-bob', action: 'download', outcome: 'denied', reason: 'not_requester' });

    const created = await api('POST', '/api/v1/exports', alice, { callIds: callIds.slice(0, 1), reason: 'Customer complaint' });
    const rejected = await api('POST', `/api/v1/exports/${created.body.id}/reject`, bob, { note: 'no legal basis' });
    expect(rejected.body.status).toBe('rejected');
    expect((await auditTail(1))[0]).toMatchObject({ actor: 'u-bob', action: 'reject_export', outcome: 'allowed' });
    expect((await api('GET', `/api/v1/exports/${created.body.id}/download`, alice)).status).toBe(409);
    expect((await api('POST', `/api/v1/exports/${created.body.id}/approve`, bob)).status).toBe(409);
  });

  it('refuses non-admins at every step and exports only calls the requester can reach', async () => {
    const manager = await hub.token('manager', { teams: ['north'] });
    expect((await api('POST', '/api/v1/exports', manager, { callIds, reason: 'Team review' })).status).toBe(403);
    const other = await startOtherTenantCall();
    const cross = await api('POST', '/api/v1/exports', alice, { callIds: [callIds[0], other], reason: 'Mixed tenants' });
    expect(cross.status).toBe(404);
    expect((await auditTail(1))[0]).toMatchObject({ action: 'request_export', outcome: 'denied', reason: 'not_found_or_out_of_scope' });
  });

  it('resolves a filter at request time and validates the body', async () => {
    const byFilter = await api('POST', '/api/v1/exports', alice, { filter: { agentId: 'a-zhangwei' }, reason: 'Agent dispute' });
    expect(byFilter.status).toBe(201);
    const direct = await api('GET', '/api/v1/calls?agentId=a-zhangwei', alice);
    expect([...byFilter.body.callIds].sort()).toEqual(direct.body.items.map((c: any) => c.id).sort());
    for (const body of [{ reason: 'no calls given' }, { callIds, filter: {}, reason: 'both given' }, { callIds, reason: 'x' }, { callIds: ['../etc'], reason: 'bad id here' }]) {
      const response = await api('POST', '/api/v1/exports', alice, body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses the download once it expired (410) and audits the attempt', async () => {
    const id = await approvedExport(callIds.slice(0, 1));
    expect((await api('GET', `/api/v1/exports/${id}/download`, alice)).status).toBe(200);
    // Time passes: the approval is older than the download lifetime.
    sqliteOf(hub.hub).prepare('UPDATE exports SET expires_at = ? WHERE tenant_id = ? AND id = ?').run(new Date(Date.now() - 1000).toISOString(), 'demo', id);
    const late = await api('GET', `/api/v1/exports/${id}/download`, alice);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('EXPORT_EXPIRED');
    expect((await auditTail(1))[0]).toMatchObject({ actor: 'u-alice', action: 'download', outcome: 'denied', reason: 'export_expired' });
  });

  it('applies the exports setting to the download lifetime', async () => {
    const put = await api('PUT', '/api/v1/settings/exports', alice, { downloadTtlMinutes: 90 });
    expect(put.status).toBe(200);
    expect(put.body.value).toEqual({ downloadTtlMinutes: 90, maxCalls: 500 });
    const created = await api('POST', '/api/v1/exports', alice, { callIds: callIds.slice(0, 1), reason: 'Short-lived export' });
    const approved = await api('POST', `/api/v1/exports/${created.body.id}/approve`, bob);
    expect(Date.parse(approved.body.expiresAt) - Date.parse(approved.body.decidedAt)).toBe(90 * 60_000);
    expect((await api('PUT', '/api/v1/settings/exports', alice, { downloadTtlMinutes: 1 })).status).toBe(400);
    await api('PUT', '/api/v1/settings/exports', alice, {});
  });
});

describe('export bundle', () => {
  let bundle: Uint8Array;
  let exportId: string;
  const path = () => join(hub.dataDir, `bundle-${exportId}.zip`);

  beforeAll(async () => {
    exportId = await approvedExport(callIds);
    const download = await api('GET', `/api/v1/exports/${exportId}/download`, alice);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(download.headers.get('cache-control')).toContain('no-store');
    bundle = download.body as Uint8Array;
    writeFileSync(path(), bundle);
  });

  it('holds decrypted audio, metadata, transcripts where present and a signed manifest of every file', async () => {
    const files = unzipSync(bundle);
    const names = Object.keys(files).sort();
    expect(names).toContain('manifest.json');
    expect(names).toContain('export.json');
    for (const id of callIds) {
      const call = (await hub.hub.calls.getCall('demo', id, { kind: 'all' }))!;
      expect(createHash('sha256').update(files[`calls/${id}/audio.wav`]!).digest('hex')).toBe(call.recording!.sha256);
      expect(JSON.parse(new TextDecoder().decode(files[`calls/${id}/metadata.json`]!))).toMatchObject({ id, customerPhone: call.customerPhone, audioIncluded: true });
      expect(names.includes(`calls/${id}/transcript.json`)).toBe(hub.hub.transcripts.getTranscript('demo', id) !== null);
    }
    const signed = JSON.parse(new TextDecoder().decode(files['manifest.json']!));
    expect(signed.manifest.meta).toMatchObject({ exportId, tenantId: 'demo', requestedBy: 'u-alice', approvedBy: 'u-bob' });
    expect(signed.manifest.files.map((f: any) => f.path)).toEqual(names.filter((n) => n !== 'manifest.json'));
    for (const f of signed.manifest.files) expect(createHash('sha256').update(files[f.path]!).digest('hex')).toBe(f.sha256);
    expect(signed.signature).toMatchObject({ alg: 'HMAC-SHA256', keyId: 'demo:export-manifest:v1' });
    expect((await auditTail(1))[0]).toMatchObject({ actor: 'u-alice', action: 'download', outcome: 'allowed', target: `export:${exportId}`, details: { calls: 3, withAudio: 3 } });
  });

  it('verifies offline, and fails when any one byte of any file in it changes', async () => {
    expect((await verifyExportBundle(hub.hub, path())).ok).toBe(true);
    const { handle, entries } = await openZip(path());
    await handle.close();
    const original = readFileSync(path());
    expect(entries.length).toBeGreaterThanOrEqual(8);
    for (const entry of entries) {
      const dataStart = entry.localHeaderOffset + 30 + Buffer.byteLength(entry.path) + entry.extra.length;
      for (const offset of [0, Math.floor(entry.compressedBytes / 2), entry.compressedBytes - 1]) {
        const tampered = Buffer.from(original);
        tampered[dataStart + offset]! ^= 0x01;
        const file = join(hub.dataDir, 'tampered.zip');
        writeFileSync(file, tampered);
        const result = await verifyExportBundle(hub.hub, file, 'demo');
        expect(result.ok, `${entry.path} byte ${offset}`).toBe(false);
      }
    }
  });

  it('names the changed file when its content is swapped for other bytes of the same size', async () => {
    const { handle, entries } = await openZip(path());
    await handle.close();
    const audio = entries.find((e) => e.path.endsWith('.wav'))!;
    const tampered = Buffer.from(readFileSync(path()));
    const at = audio.localHeaderOffset + 30 + Buffer.byteLength(audio.path) + 100;
    tampered[at]! ^= 0xff;
    const file = join(hub.dataDir, 'tampered-audio.zip');
    writeFileSync(file, tampered);
    const result = await verifyExportBundle(hub.hub, file);
    expect(result.problems).toContainEqual(expect.objectContaining({ path: audio.path }));
  });

  it('fails with another tenant\'s key', async () => {
    await hub.hub.ensureTenant({ id: 'other-co', name: 'Other', defaultRegion: 'CN', industry: 'general' });
    const result = await verifyExportBundle(hub.hub, path(), 'other-co');
    expect(result.ok).toBe(false);
    expect(result.problems).toContainEqual({ kind: 'unknown_key' });
  });

  it('callsight export verify passes the bundle and exits 1 on a changed one', async () => {
    const env = { ...process.env, DATA_DIR: hub.dataDir, LOG_LEVEL: 'silent' };
    // The passing case runs the command in this process; the failing one runs the real binary for its exit code.
    const program = new Command().exitOverride();
    registerExportCommands(program);
    const written: string[] = [];
    const write = process.stdout.write;
    const dataDir = process.env.DATA_DIR;
    process.env.DATA_DIR = hub.dataDir;
    process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'callsight', 'export', 'verify', path(), '--json']);
    } finally {
      process.stdout.write = write;
      if (dataDir === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = dataDir;
    }
    expect(process.exitCode ?? 0).toBe(0);
    expect(JSON.parse(written.join(''))).toMatchObject({ ok: true, tenantId: 'demo', exportId, files: 9 });
    const tampered = Buffer.from(bundle);
    tampered[tampered.length >> 1]! ^= 0x20;
    const bad = join(hub.dataDir, 'bad.zip');
    writeFileSync(bad, tampered);
    const failed = await run('node', ['bin/callsight.mjs', 'export', 'verify', bad], { env }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/^FAILED/);
  });
});

describe('export decisions from HTTP and from the CLI', () => {
  type Outcome = { ok: true; value: any } | { ok: false; error: { code: string; message: string } };

  /** One step through the API: the response body, or the error body's code and message. */
  async function overHttp(method: string, path: string, token: string, body?: unknown): Promise<Outcome> {
    const r = await api(method, path, token, body);
    if (r.status >= 400) return { ok: false, error: errorBodySchema.parse(r.body).error };
    return { ok: true, value: r.body };
  }

  /** One step through `callsight export` in this process, acting as the token's holder (CALLSIGHT_TOKEN). */
  async function overCli(token: string, ...args: string[]): Promise<Outcome> {
    const program = new Command().exitOverride();
    registerExportCommands(program);
    const written: string[] = [];
    const write = process.stdout.write;
    const saved = { dataDir: process.env.DATA_DIR, token: process.env.CALLSIGHT_TOKEN };
    process.env.DATA_DIR = hub.dataDir;
    process.env.CALLSIGHT_TOKEN = token;
    process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'callsight', 'export', ...args, '--json']);
      return { ok: true, value: JSON.parse(written.join('')) };
    } catch (error) {
      const e = error as { code: string; message: string };
      return { ok: false, error: { code: e.code, message: e.message } };
    } finally {
      process.stdout.write = write;
      for (const [name, value] of [['DATA_DIR', saved.dataDir], ['CALLSIGHT_TOKEN', saved.token]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  /** What must match between transports: everything, with export ids and instants (which differ by nature) masked. */
  const comparable = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
      typeof v === 'string' ? v.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<instant>').replace(/exp_[a-z0-9]+/g, '<export>') : v,
    );

  async function lastEvent() {
    const { actor, role, action, target, outcome, reason, details } = (await hub.hub.auditLog.head('demo'))!;
    return comparable({ actor, role, action, target, outcome, reason: reason ?? null, details: details ?? null });
  }

  it('request, self-approval, approval by another admin, a second decision and downloads give the same results, errors and audit events', async () => {
    const carol = await hub.token('admin', { user: 'u-carol' });
    const manager = await hub.token('manager', { teams: ['north'] });
    const transports = {
      http: {
        request: (token: string, body: Record<string, unknown>) => overHttp('POST', '/api/v1/exports', token, body),
        approve: (token: string, id: string, note?: string) => overHttp('POST', `/api/v1/exports/${id}/approve`, token, note ? { note } : undefined),
        reject: (token: string, id: string) => overHttp('POST', `/api/v1/exports/${id}/reject`, token),
        show: (token: string, id: string) => overHttp('GET', `/api/v1/exports/${id}`, token),
        list: (token: string) => overHttp('GET', '/api/v1/exports?status=approved&limit=1', token),
        download: async (token: string, id: string): Promise<Outcome> => {
          const r = await api('GET', `/api/v1/exports/${id}/download`, token);
          if (r.status >= 400) return { ok: false, error: errorBodySchema.parse(r.body).error };
          return { ok: true, value: Object.keys(unzipSync(r.body as Uint8Array)).sort() };
        },
      },
      cli: {
        request: (token: string, body: Record<string, unknown>) =>
          overCli(token, 'request', '--reason', String(body.reason), ...(body.callIds ? ['--call', ...(body.callIds as string[])] : []), ...(body.filter ? ['--filter', JSON.stringify(body.filter)] : [])),
        approve: (token: string, id: string, note?: string) => overCli(token, 'approve', id, ...(note ? ['--note', note] : [])),
        reject: (token: string, id: string) => overCli(token, 'reject', id),
        show: (token: string, id: string) => overCli(token, 'show', id),
        list: (token: string) => overCli(token, 'list', '--status', 'approved', '--limit', '1'),
        download: async (token: string, id: string): Promise<Outcome> => {
          const out = join(hub.dataDir, `cli-${id}-${Date.now()}.zip`);
          const result = await overCli(token, 'download', id, '--out', out);
          return result.ok ? { ok: true, value: Object.keys(unzipSync(readFileSync(out))).sort() } : result;
        },
      },
    };

    const runs: Record<string, unknown[]> = {};
    for (const [name, t] of Object.entries(transports)) {
      const steps: unknown[] = [];
      const step = async (outcome: Outcome) => {
        if (outcome.ok && !Array.isArray(outcome.value) && 'items' in outcome.value) exportPageSchema.parse(outcome.value);
        else if (outcome.ok && !Array.isArray(outcome.value)) exportViewSchema.parse(outcome.value);
        steps.push({ result: comparable(outcome), event: await lastEvent() });
        return outcome;
      };
      const created = await step(await t.request(alice, { callIds: callIds.slice(0, 2), reason: 'Cross-transport check' }));
      const id = created.ok ? (created.value.id as string) : '';
      await step(await t.request(manager, { callIds: callIds.slice(0, 1), reason: 'Team review' }));
      await step(await t.request(alice, { filter: { customerPhone: 'not a phone' }, reason: 'Bad phone filter' }));
      await step(await t.request(alice, { callIds: ['c_does_not_exist'], reason: 'Unknown call' }));
      await step(await t.download(alice, id));
      await step(await t.approve(alice, id));
      await step(await t.approve(bob, id, 'checked twice'));
      await step(await t.reject(carol, id));
      await step(await t.show(carol, id));
      await step(await t.download(bob, id));
      await step(await t.download(alice, id));
      await step(await t.list(bob));
      runs[name] = steps;
    }
    expect(runs.cli).toEqual(runs.http);
    expect((runs.http as { result: Outcome }[]).map((s) => (s.result.ok ? 'ok' : s.result.error.code))).toEqual([
      'ok', 'FORBIDDEN', 'VALIDATION_FAILED', 'CALL_NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'ok', 'CONFLICT', 'ok', 'FORBIDDEN', 'ok', 'ok',
    ]);
    expect((runs.http as { event: unknown }[])[5]).toMatchObject({ event: { actor: 'u-alice', action: 'approve_export', outcome: 'denied', reason: 'self_approval' } });
  });

  it('refuses to run export decisions without a named admin\'s token', async () => {
    const result = await overCli('', 'list');
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('CALLSIGHT_TOKEN') } });
  });
});

async function startOtherTenantCall(): Promise<string> {
  const { synthesizeCallWav } = await import('../support/audio-fixtures');
  await hub.hub.ensureTenant({ id: 'rival', name: 'Rival', defaultRegion: 'CN', industry: 'general' });
  const { call } = await hub.hub.ingest('rival', { providerCallId: 'rival-1', direction: 'inbound', startedAt: '2026-10-01T08:00:00Z' }, synthesizeCallWav({ durationS: 6, seed: 'rival' }));
  return call.id;
}
