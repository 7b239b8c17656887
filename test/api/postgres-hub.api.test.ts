/**
 * The whole hub on PostgreSQL (docs/decisions/postgres-storage.md), end to end through its HTTP API and CLI:
 * demo seeding and analysis jobs, listing and keyword search, access scope and the audit chain, quality scores,
 * two-person exports, tenant settings and retention, then a restart on the same database to show that every
 * store kept its data. One database for the file; the tests build on each other in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { loadConfig, type HubConfig } from '../../bin/config';
import { startHub, type RunningHub } from '../../bin/server';
import type { Role } from '../../core/access/access.policy';
import { createTestDatabase, dropTestDatabase } from '../contracts/support/databases';

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..');
const DEMO_CALLS = 13;
/** A two-character word that more than one of the seeded transcripts says (the complaint dialogues). */
const ZH_WORD = '投诉';

/** Answers to every manual criterion of the default scorecard (docs/api-quality.md). */
const ANSWERS = [
  { criterionId: 'identity_verified', value: 'pass' },
  { criterionId: 'greeting', value: 4 },
  { criterionId: 'clarity', value: 5 },
  { criterionId: 'product_knowledge', value: 3 },
  { criterionId: 'issue_resolved', value: 'pass' },
  { criterionId: 'empathy', value: 4 },
];

interface Segment {
  readonly speaker: 'agent' | 'customer';
  readonly startS: number;
  readonly endS: number;
  readonly text: string;
}

let database: { readonly name: string; readonly url: string };
let dataDir: string;
let config: HubConfig;
let running: RunningHub | null = null;

/** Every call of the demo tenant in list order, and the transcript of each one that has one. */
let calls: any[] = [];
const transcripts = new Map<string, Segment[]>();

const hub = () => {
  if (!running) throw new Error('No hub is running: an earlier step of this file failed to start it');
  return running;
};

function token(role: Role, options: { user?: string; agentId?: string; teams?: string[] } = {}): Promise<string> {
  return hub().hub.tokens.issue({ tenantId: 'demo', userId: options.user ?? `u-${role}`, role, ...(options.agentId ? { agentId: options.agentId } : {}), teams: options.teams ?? [], queues: [] });
}

async function api(method: string, path: string, bearer: string, body?: unknown) {
  const response = await fetch(`${hub().url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? ((await response.json()) as any) : new Uint8Array(await response.arrayBuffer());
  return { status: response.status, body: payload, headers: response.headers };
}

/** Every call the token can list, walking the cursor `limit` at a time. */
async function listAll(bearer: string, query = '', limit = 4): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await api('GET', `/api/v1/calls?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`, bearer);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const search = async (q: string, bearer: string) => (await api('GET', `/api/v1/calls?limit=50&q=${encodeURIComponent(q)}`, bearer)).body.items as any[];

/** Ids of the calls whose transcript has a segment satisfying `matches`, in list order. */
const callsWhose = (matches: (text: string) => boolean) => calls.filter((c) => transcripts.get(c.id)?.some((s) => matches(s.text))).map((c) => c.id as string);

function startOn(overrides: Partial<HubConfig>): Promise<RunningHub> {
  config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', workers: false, databaseUrl: database.url, ...overrides });
  return startHub(config, { quiet: true });
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-pg-hub-'));
  running = await startOn({ seedDemo: 'true', demoCalls: DEMO_CALLS });
  const admin = await token('admin');
  calls = await listAll(admin, '', 200);
  for (const call of calls) {
    const transcript = await api('GET', `/api/v1/calls/${call.id}/transcript`, admin);
    if (transcript.status === 200) transcripts.set(call.id, transcript.body.segments);
  }
});
afterAll(async () => {
  await running?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (database) await dropTestDatabase(database.name);
});

describe('demo tenant seeded on PostgreSQL', () => {
  it('runs on PostgreSQL, not on a SQLite file', () => {
    expect(hub().hub.storage.kind).toBe('postgres');
    expect(hub().hub.storage.sqlite).toBeNull();
  });

  it('pages through every seeded call exactly once, newest first', async () => {
    const paged = await listAll(await token('admin'));
    expect(paged.map((c) => c.id)).toEqual(calls.map((c) => c.id));
    expect(new Set(paged.map((c) => c.id)).size).toBe(DEMO_CALLS);
    expect(await hub().hub.calls.countCalls('demo')).toBe(DEMO_CALLS);
    const starts = paged.map((c) => Date.parse(c.startedAt));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('drained the analysis jobs: every job is done and every transcribed call has its analysis', async () => {
    expect(transcripts.size).toBeGreaterThan(0);
    const counts = await hub().hub.jobQueue.counts();
    expect(counts.filter((c) => c.status !== 'done')).toEqual([]);
    expect(counts.find((c) => c.kind === 'call.analyze')?.count).toBe(transcripts.size);
    const admin = await token('admin');
    for (const id of transcripts.keys()) expect((await api('GET', `/api/v1/calls/${id}/analysis`, admin)).status, id).toBe(200);
  });

  it('finds a two-character Chinese word in exactly the calls that say it, with highlighted hits', async () => {
    const expected = callsWhose((text) => text.includes(ZH_WORD));
    expect(expected.length).toBeGreaterThan(0);
    const found = await search(ZH_WORD, await token('admin'));
    expect(found.map((c) => c.id).sort()).toEqual([...expected].sort());
    for (const call of found) {
      expect(call.hits.length).toBeGreaterThan(0);
      for (const hit of call.hits) {
        const segment = transcripts.get(call.id)![hit.segment]!;
        expect(segment.text).toContain(ZH_WORD);
        expect(hit).toMatchObject({ speaker: segment.speaker, startS: segment.startS });
        expect(hit.snippet).toContain(`<mark>${ZH_WORD}</mark>`);
      }
    }
  });

  it('finds an English word by its stem in exactly the calls that say it, with highlighted hits', async () => {
    const expected = callsWhose((text) => /\brefund/i.test(text));
    expect(expected.length).toBeGreaterThan(0);
    const found = await search('refunds', await token('admin'));
    expect(found.map((c) => c.id).sort()).toEqual([...expected].sort());
    for (const call of found) {
      expect(call.hits.length).toBeGreaterThan(0);
      for (const hit of call.hits) {
        expect(transcripts.get(call.id)![hit.segment]!.text).toMatch(/\brefund/i);
        expect(hit.snippet).toMatch(/<mark>refund\w*<\/mark>/i);
      }
    }
  });

  it('serves a call\'s transcript and an analysis that agrees with it', async () => {
    const admin = await token('admin');
    for (const [id, segments] of transcripts) {
      expect(segments.length).toBeGreaterThan(1);
      const analysis = await api('GET', `/api/v1/calls/${id}/analysis`, admin);
      const notice = segments.some((s) => /本次通话将录音|may be recorded/.test(s.text));
      expect(analysis.body.scripts.find((s: any) => s.id === 'recording_notice')?.found, id).toBe(notice);
      expect(typeof analysis.body.risk).toBe('number');
    }
    const misdial = calls.find((c) => c.status === 'misdial');
    expect((await api('GET', `/api/v1/calls/${misdial.id}/transcript`, admin)).body.error.code).toBe('TRANSCRIPT_NOT_FOUND');
  });
});

describe('access scope and the audit chain', () => {
  it('shows an agent only their own calls and hides the others as absent', async () => {
    const own = calls.filter((c) => c.agentId === 'a-zhangwei');
    expect(own.length).toBeGreaterThan(0);
    const agent = await token('agent', { user: 'u-zhangwei', agentId: 'a-zhangwei' });
    const seen = await listAll(agent, '', 200);
    expect(seen.map((c) => c.id)).toEqual(own.map((c) => c.id));
    expect((await api('GET', `/api/v1/calls/${own[0].id}`, agent)).status).toBe(200);
    const other = calls.find((c) => c.agentId !== 'a-zhangwei');
    const hidden = await api('GET', `/api/v1/calls/${other.id}`, agent);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('CALL_NOT_FOUND');
  });

  it('lists the events of those requests to an auditor, refuses an agent, and never lists the reader\'s own access', async () => {
    const auditor = await token('auditor');
    const events = await api('GET', '/api/v1/audit?actor=u-zhangwei&limit=100', auditor);
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: any) => [e.action, e.outcome, e.reason ?? null])).toEqual([
      ['list', 'allowed', null],
      ['view', 'allowed', null],
      ['view', 'denied', 'not_found_or_out_of_scope'],
    ]);
    expect(events.body.items.every((e: any) => e.tenantId === 'demo' && e.role === 'agent')).toBe(true);
    const agent = await token('agent', { user: 'u-zhangwei', agentId: 'a-zhangwei' });
    expect((await api('GET', '/api/v1/audit', agent)).status).toBe(403);
  });

  it('keeps one unbroken chain under concurrent requests, verified by the API', async () => {
    const agent = await token('agent', { user: 'u-zhangwei', agentId: 'a-zhangwei' });
    const before = (await hub().hub.auditLog.head('demo'))!;
    const answers = await Promise.all(Array.from({ length: 12 }, () => api('GET', '/api/v1/calls?limit=1', agent)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const head = (await hub().hub.auditLog.head('demo'))!;
    expect(head.seq).toBe(before.seq + 12);
    const report = await api('GET', '/api/v1/audit/verify', await token('auditor'));
    expect(report.body).toMatchObject({ ok: true, checked: head.seq, head: { seq: head.seq, hash: head.hash } });
  });

  it('verifies with `callsight audit verify` given DATABASE_URL, and the command is audited in the same chain', async () => {
    const head = (await hub().hub.auditLog.head('demo'))!;
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent' };
    const { stdout } = await run(process.execPath, ['bin/callsight.mjs', 'audit', 'verify', '--tenant', 'demo', '--json'], { cwd: REPO, env, timeout: 30_000 });
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, tenants: [{ tenantId: 'demo', ok: true, checked: head.seq }] });
    expect(await hub().hub.auditLog.head('demo')).toMatchObject({ seq: head.seq + 1, actor: 'cli', action: 'verify_audit', reason: 'chain_intact' });
  });
});

/** Calls the later steps act on, chosen once so that no step undoes another's. */
const chosen = {
  evaluated: () => calls.find((c) => c.team === 'north' && transcripts.has(c.id) && !transcripts.get(c.id)!.some((s) => s.text.includes(ZH_WORD)))!,
  deleted: () => calls.find((c) => c.id === callsWhose((text) => text.includes(ZH_WORD))[0])!,
  exported: () => calls.find((c) => c.status === 'stored' && c.id !== chosen.evaluated().id && c.id !== chosen.deleted().id)!,
  held: () => calls.find((c) => ![chosen.evaluated().id, chosen.deleted().id, chosen.exported().id].includes(c.id))!,
};
let evaluation: any;

describe('quality', () => {
  it('stores an evaluation whose score becomes the call\'s score and is found by the score filter', async () => {
    const call = chosen.evaluated();
    expect(call).toBeDefined();
    const qa = await token('qa', { user: 'u-qa', teams: ['north'] });
    const created = await api('POST', `/api/v1/calls/${call.id}/evaluations`, qa, { answers: ANSWERS });
    expect(created.status).toBe(201);
    expect(created.body.scorecard).toEqual({ scorecardId: 'default', version: 1 });
    evaluation = created.body;
    const total = evaluation.score.total as number;

    const manager = await token('manager', { user: 'u-manager', teams: ['north'] });
    const listed = await api('GET', `/api/v1/calls/${call.id}/evaluations`, manager);
    expect(listed.body.items.map((e: any) => e.id)).toEqual([evaluation.id]);
    expect(listed.body.callScore).toBe(total);

    const admin = await token('admin');
    const scored = await api('GET', `/api/v1/calls?scoreMin=${total}&scoreMax=${total}`, admin);
    expect(scored.body.items.map((c: any) => c.id)).toEqual([call.id]);
    expect((await api('GET', `/api/v1/calls?scoreMin=${total + 0.5}`, admin)).body.items).toEqual([]);
  });
});

describe('two-person export', () => {
  it('is requested by one admin, refused to the requester\'s own approval, approved by another and downloaded', async () => {
    const call = chosen.exported();
    const alice = await token('admin', { user: 'u-alice' });
    const bob = await token('admin', { user: 'u-bob' });
    const created = await api('POST', '/api/v1/exports', alice, { callIds: [call.id], reason: 'Regulator request 2026-17' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', requestedBy: 'u-alice', callCount: 1 });
    expect((await api('GET', `/api/v1/exports/${created.body.id}/download`, alice)).status).toBe(409);
    expect((await api('POST', `/api/v1/exports/${created.body.id}/approve`, alice)).status).toBe(403);
    const approved = await api('POST', `/api/v1/exports/${created.body.id}/approve`, bob, { note: 'checked' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'u-bob', decisionNote: 'checked' });

    expect((await api('GET', `/api/v1/exports/${created.body.id}/download`, bob)).status).toBe(403);
    const download = await api('GET', `/api/v1/exports/${created.body.id}/download`, alice);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(download.body as Uint8Array);
    const audio = files[`calls/${call.id}/audio.wav`];
    expect(audio).toBeDefined();
    expect(createHash('sha256').update(audio!).digest('hex')).toBe(call.recording.sha256);
    const signed = JSON.parse(new TextDecoder().decode(files['manifest.json']!));
    expect(signed.manifest.meta).toMatchObject({ exportId: created.body.id, tenantId: 'demo', requestedBy: 'u-alice', approvedBy: 'u-bob' });
  });
});

describe('tenant settings', () => {
  it('round-trips a setting, and a refused value leaves the stored one in place', async () => {
    const admin = await token('admin');
    const initial = await api('GET', '/api/v1/settings/exports', admin);
    expect(initial.body).toMatchObject({ key: 'exports', updatedBy: null });
    expect(initial.body.value.downloadTtlMinutes).not.toBe(90);
    const put = await api('PUT', '/api/v1/settings/exports', admin, { downloadTtlMinutes: 90 });
    expect(put.status).toBe(200);
    const read = await api('GET', '/api/v1/settings/exports', admin);
    expect(read.body).toMatchObject({ key: 'exports', value: { ...initial.body.value, downloadTtlMinutes: 90 }, updatedBy: 'u-admin' });
    expect(Date.parse(read.body.updatedAt)).not.toBeNaN();
    expect((await api('PUT', '/api/v1/settings/exports', admin, { downloadTtlMinutes: 1 })).status).toBe(400);
    expect((await api('GET', '/api/v1/settings/exports', admin)).body.value.downloadTtlMinutes).toBe(90);
  });
});

describe('retention', () => {
  it('deletes a call for an admin only: a tombstone call, a deletion certificate in the chain, gone from search', async () => {
    const call = chosen.deleted();
    const admin = await token('admin');
    const manager = await token('manager', { user: 'u-manager', teams: ['north', 'south'] });
    expect((await api('DELETE', `/api/v1/calls/${call.id}`, manager)).status).toBe(403);
    const deleted = await api('DELETE', `/api/v1/calls/${call.id}`, admin);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ callId: call.id, status: 'deleted', basis: 'admin', audioSha256: call.recording.sha256 });

    const tombstone = await api('GET', `/api/v1/calls/${call.id}`, admin);
    expect(tombstone.body).toMatchObject({ id: call.id, status: 'deleted', recording: null });
    expect(await hub().hub.storage.retention.getTombstone('demo', call.id)).toMatchObject({ basis: 'admin', ruleId: null, audioSha256: call.recording.sha256, deletedAt: deleted.body.deletedAt });
    const audio = await api('GET', `/api/v1/calls/${call.id}/audio`, admin);
    expect(audio.status).toBe(410);
    expect(audio.body.error.code).toBe('RECORDING_GONE');
    expect((await api('GET', `/api/v1/calls/${call.id}/transcript`, admin)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/calls/${call.id}`, admin)).status).toBe(410);

    const certificates = await api('GET', `/api/v1/audit?target=call:${call.id}&action=delete&outcome=allowed`, await token('auditor'));
    expect(certificates.body.items).toHaveLength(1);
    expect(certificates.body.items[0]).toMatchObject({ actor: 'u-admin', details: { certificate: 'deletion', dataKey: 'destroyed', audioSha256: call.recording.sha256 } });

    const found = (await search(ZH_WORD, admin)).map((c) => c.id);
    expect(found).not.toContain(call.id);
    expect(found.sort()).toEqual(callsWhose((text) => text.includes(ZH_WORD)).filter((id) => id !== call.id).sort());
  });

  it('refuses to delete a call on legal hold with 423 and keeps it', async () => {
    const call = chosen.held();
    const admin = await token('admin');
    const hold = await api('POST', '/api/v1/legal-holds', admin, { by: { kind: 'calls', callIds: [call.id] }, reason: 'Complaint #5521' });
    expect(hold.status).toBe(201);
    const refused = await api('DELETE', `/api/v1/calls/${call.id}`, admin);
    expect(refused.status).toBe(423);
    expect(refused.body.error.code).toBe('LEGAL_HOLD');
    expect((await api('GET', `/api/v1/calls/${call.id}`, admin)).body).toMatchObject({ status: call.status, recording: { sha256: call.recording.sha256 } });
    const denied = await api('GET', `/api/v1/audit?target=call:${call.id}&action=delete`, await token('auditor'));
    expect(denied.body.items.map((e: any) => [e.outcome, e.reason])).toEqual([['denied', 'legal_hold']]);
  });
});

describe('a restart on the same database', () => {
  it('finds the calls, the audit chain, the evaluation, the setting, the tombstone and the hold as they were', async () => {
    const admin = await token('admin');
    const before = {
      calls: await listAll(admin, '', 200),
      holds: (await api('GET', '/api/v1/legal-holds?active=true', admin)).body.items.map((h: any) => h.id),
      found: (await search(ZH_WORD, admin)).map((c) => c.id),
    };
    const head = (await hub().hub.auditLog.head('demo'))!;
    await running!.close();
    // Cleared first, so that afterAll does not close the stopped hub again should the restart fail.
    running = null;
    running = await startOn({ seedDemo: 'false' });

    expect((await hub().hub.auditLog.head('demo'))!).toEqual(head);
    const again = await token('admin');
    expect(await listAll(again, '', 200)).toEqual(before.calls);
    expect((await api('GET', `/api/v1/calls/${chosen.deleted().id}`, again)).body).toMatchObject({ status: 'deleted', recording: null });
    expect(await hub().hub.storage.retention.getTombstone('demo', chosen.deleted().id)).toMatchObject({ basis: 'admin', audioSha256: chosen.deleted().recording.sha256 });
    expect((await api('GET', '/api/v1/legal-holds?active=true', again)).body.items.map((h: any) => h.id)).toEqual(before.holds);
    expect(before.holds).toHaveLength(1);
    expect(before.found.length).toBeGreaterThan(0);
    expect((await search(ZH_WORD, again)).map((c) => c.id)).toEqual(before.found);
    expect((await api('GET', '/api/v1/settings/exports', again)).body.value.downloadTtlMinutes).toBe(90);

    const manager = await token('manager', { user: 'u-manager', teams: ['north'] });
    const stored = await api('GET', `/api/v1/evaluations/${evaluation.id}`, manager);
    expect(stored.status).toBe(200);
    expect(stored.body.score).toEqual(evaluation.score);
    const total = evaluation.score.total as number;
    expect((await api('GET', `/api/v1/calls?scoreMin=${total}&scoreMax=${total}`, again)).body.items.map((c: any) => c.id)).toEqual([chosen.evaluated().id]);

    // The listing above and this request append to the chain the first hub wrote; it must still verify as one.
    const report = await api('GET', '/api/v1/audit/verify', await token('auditor'));
    const now = (await hub().hub.auditLog.head('demo'))!;
    expect(now.seq).toBeGreaterThan(head.seq);
    expect(report.body).toMatchObject({ ok: true, checked: now.seq - 1 });
    const verify = await api('GET', `/api/v1/audit?action=verify_audit&actor=u-auditor`, await token('auditor'));
    expect(verify.body.items.at(-1)).toMatchObject({ seq: now.seq, reason: 'chain_intact' });
  });
});
