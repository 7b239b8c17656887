import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { fsAudioOf, startTestHub, type TestHub } from '../support/hub';
import { synthesizeCallWav, synthesizeSilentMp3 } from '../support/audio-fixtures';
import { callPageSchema, callViewSchema, playbackUrlSchema } from '../../core/api/calls.api';
import { errorBodySchema } from '../../core/api/common.api';
import { registerImportCommand } from '../../bin/commands/import.command';

let hub: TestHub;
let admin: string;

const baseMetadata = (providerCallId: string, extra: Record<string, unknown> = {}) => ({
  providerCallId,
  direction: 'inbound',
  startedAt: '2026-11-02T09:15:00Z',
  agentId: 'a-zhangwei',
  customerPhone: '138 1234 5678',
  inquiryType: '退款',
  tags: ['vip'],
  ...extra,
});

async function upload(metadata: unknown, audio: Uint8Array | null, token = admin, filename = 'call.bin') {
  const form = new FormData();
  form.set('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  if (audio) form.set('audio', new Blob([Buffer.from(audio)]), filename);
  const response = await fetch(`${hub.url}/api/v1/calls`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function audioFiles(): string[] {
  const root = join(hub.dataDir, 'audio');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  try {
    walk(root);
  } catch {
    return [];
  }
  return files;
}

beforeAll(async () => {
  hub = await startTestHub({ demoCalls: 10, config: { maxAudioBytes: 2 * 1024 * 1024 } });
  admin = await hub.token('admin');
});
afterAll(async () => hub.close());

describe('POST /api/v1/calls', () => {
  it('stores a WAV upload with the duration measured from the audio, not the sender', async () => {
    const wav = synthesizeCallWav({ durationS: 42, seed: 'wav-1' });
    const { status, body } = await upload(baseMetadata('wav-1', { durationS: 999 }), wav);
    expect(status).toBe(400); // durationS is not something a sender may state
    const ok = await upload(baseMetadata('wav-1'), wav);
    expect(ok.status).toBe(201);
    expect(callViewSchema.safeParse(ok.body).success).toBe(true);
    expect(ok.body.durationS).toBeCloseTo(42, 1);
    expect(ok.body.customerPhone).toBe('+8613812345678');
    expect(ok.body.recording).toMatchObject({ format: 'wav', bytes: wav.byteLength, channels: 1 });
    expect(ok.body.recording.sha256).toBe(createHash('sha256').update(wav).digest('hex'));
    expect(ok.body.status).toBe('stored');
    void body;
  });

  it('stores an MP3 upload recognised from its bytes', async () => {
    const mp3 = synthesizeSilentMp3(30);
    const { status, body } = await upload(baseMetadata('mp3-1'), mp3, admin, 'no-extension');
    expect(status).toBe(201);
    expect(body.recording.format).toBe('mp3');
    expect(body.durationS).toBeGreaterThan(29);
    expect(body.durationS).toBeLessThan(31);
  });

  it('marks recordings under 5 s as misdials and keeps them', async () => {
    const { status, body } = await upload(baseMetadata('short-1'), synthesizeCallWav({ durationS: 3, seed: 's' }));
    expect(status).toBe(201);
    expect(body.status).toBe('misdial');
  });

  it('returns the same call with 200 on a repeat and stores no second copy', async () => {
    const wav = synthesizeCallWav({ durationS: 12, seed: 'dup' });
    const before = audioFiles().length;
    const first = await upload(baseMetadata('dup-1'), wav);
    const second = await upload(baseMetadata('dup-1'), wav);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(audioFiles().length).toBe(before + 1);
  });

  it.each([
    ['empty audio', new Uint8Array(0), 422, 'AUDIO_EMPTY'],
    ['not audio', new TextEncoder().encode('%PDF-1.7 this is not audio at all'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['corrupt WAV (truncated data)', synthesizeCallWav({ durationS: 10, seed: 'c' }).subarray(0, 2000), 422, 'AUDIO_CORRUPT'],
    ['oversized audio', synthesizeCallWav({ durationS: 300, seed: 'big' }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('refuses %s with a code and stores nothing', async (_name, audio, status, code) => {
    const filesBefore = audioFiles().length;
    const countBefore = await hub.hub.calls.countCalls('demo');
    const result = await upload(baseMetadata(`bad-${code}`), audio);
    expect(result.status).toBe(status);
    expect(errorBodySchema.safeParse(result.body).success).toBe(true);
    expect(result.body.error.code).toBe(code);
    expect(audioFiles().length).toBe(filesBefore);
    expect(await hub.hub.calls.countCalls('demo')).toBe(countBefore);
  });

  it.each([
    ['unknown direction', baseMetadata('m1', { direction: 'sideways' })],
    ['bad date', baseMetadata('m2', { startedAt: 'yesterday' })],
    ['missing providerCallId', { direction: 'inbound', startedAt: '2026-11-02T09:15:00Z' }],
    ['invalid phone', baseMetadata('m3', { customerPhone: '12' })],
    ['not JSON', '{"providerCallId": '],
  ])('refuses metadata with %s (400) and stores nothing', async (_name, metadata) => {
    const countBefore = await hub.hub.calls.countCalls('demo');
    const result = await upload(metadata, synthesizeCallWav({ durationS: 8, seed: 'm' }));
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe('VALIDATION_FAILED');
    expect(await hub.hub.calls.countCalls('demo')).toBe(countBefore);
  });

  it('refuses a role that may not add calls before reading the body, with one denied audit event', async () => {
    const before = (await hub.hub.auditLog.head('demo'))!.seq;
    const qa = await hub.token('qa', { teams: ['north'] });
    const result = await upload(baseMetadata('qa-1'), synthesizeCallWav({ durationS: 8, seed: 'qa' }), qa);
    expect(result.status).toBe(403);
    expect(result.body.error).toEqual({ code: 'FORBIDDEN', message: 'Only admins and telephony integrations may add calls' });
    const events = await hub.hub.auditLog.query('demo', { afterSeq: before, limit: 10 });
    expect(events).toMatchObject([{ actor: 'u-qa', action: 'ingest', outcome: 'denied', reason: 'role_not_permitted' }]);
  });

  it('audits each stored upload once, as created or duplicate', async () => {
    const before = (await hub.hub.auditLog.head('demo'))!.seq;
    const wav = synthesizeCallWav({ durationS: 7, seed: 'audited' });
    const first = await upload(baseMetadata('audited-1'), wav);
    await upload(baseMetadata('audited-1'), wav);
    const events = await hub.hub.auditLog.query('demo', { afterSeq: before, limit: 10 });
    expect(events.map((e) => [e.action, e.outcome, e.reason, e.target])).toEqual([
      ['ingest', 'allowed', 'created', `call:${first.body.id}`],
      ['ingest', 'allowed', 'duplicate', `call:${first.body.id}`],
    ]);
  });

  it('needs a bearer token', async () => {
    const response = await fetch(`${hub.url}/api/v1/calls`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.code).toBe('UNAUTHENTICATED');
  });
});

describe('GET /api/v1/calls', () => {
  it('filters by a phone number written in any common format', async () => {
    await upload(baseMetadata('phone-1', { customerPhone: '+86 139-0000-1111' }), synthesizeCallWav({ durationS: 9, seed: 'p' }));
    for (const form of ['13900001111', '+8613900001111', '139 0000 1111', '(+86) 139-0000-1111']) {
      const response = await fetch(`${hub.url}/api/v1/calls?customerPhone=${encodeURIComponent(form)}`, { headers: { Authorization: `Bearer ${admin}` } });
      const body = (await response.json()) as any;
      expect(body.items.map((c: any) => c.providerCallId)).toEqual(['phone-1']);
    }
  });

  it('answers in the contract\'s shape (core/api/calls.api.ts)', async () => {
    const response = await fetch(`${hub.url}/api/v1/calls?limit=5`, { headers: { Authorization: `Bearer ${admin}` } });
    const page = (await response.json()) as unknown;
    expect(callPageSchema.safeParse(page).success).toBe(true);
    const first = (page as { items: { id: string }[] }).items[0]!;
    const one = await fetch(`${hub.url}/api/v1/calls/${first.id}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(callViewSchema.safeParse(await one.json()).success).toBe(true);
    const link = await fetch(`${hub.url}/api/v1/calls/${first.id}/playback-url`, { method: 'POST', headers: { Authorization: `Bearer ${admin}` } });
    expect(playbackUrlSchema.safeParse(await link.json()).success).toBe(true);
  });

  it('answers a malformed call id like an unknown call (404 CALL_NOT_FOUND)', async () => {
    const response = await fetch(`${hub.url}/api/v1/calls/${encodeURIComponent('bad id!')}`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.code).toBe('CALL_NOT_FOUND');
  });

  it('pages with a cursor, returning every call exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `${hub.url}/api/v1/calls?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await (await fetch(url, { headers: { Authorization: `Bearer ${admin}` } })).json()) as any;
      seen.push(...body.items.map((c: any) => c.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await hub.hub.calls.countCalls('demo'));
  });

  it.each([
    ['direction=inbound', (c: any) => c.direction === 'inbound'],
    ['channel=ivr', (c: any) => c.channel === 'ivr'],
    ['agentId=a-lina', (c: any) => c.agentId === 'a-lina'],
    ['inquiryType=%E9%80%80%E6%AC%BE', (c: any) => c.inquiryType === '退款'],
    ['from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z', (c: any) => c.startedAt.startsWith('2026-11-02')],
  ])('filters with %s', async (query, predicate) => {
    const body = (await (await fetch(`${hub.url}/api/v1/calls?limit=200&${query}`, { headers: { Authorization: `Bearer ${admin}` } })).json()) as any;
    const all = (await (await fetch(`${hub.url}/api/v1/calls?limit=200`, { headers: { Authorization: `Bearer ${admin}` } })).json()) as any;
    expect(body.items.length).toBe(all.items.filter(predicate).length);
    expect(body.items.every(predicate)).toBe(true);
  });

  it('refuses a bad filter with 400', async () => {
    const response = await fetch(`${hub.url}/api/v1/calls?direction=up`, { headers: { Authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(400);
  });
});

describe('GET /api/v1/calls/:id/audio', () => {
  let id: string;
  let original: Uint8Array;

  beforeAll(async () => {
    original = synthesizeCallWav({ durationS: 40, seed: 'range' });
    id = (await upload(baseMetadata('range-1'), original)).body.id;
  });

  const get = (range?: string, token = admin) =>
    fetch(`${hub.url}/api/v1/calls/${id}/audio`, { headers: { Authorization: `Bearer ${token}`, ...(range ? { Range: range } : {}) } });

  it('streams the whole decrypted recording', async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(original))).toBe(true);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=100000-200000', 100_000, 200_000],
    ['bytes=-500', -500, -1],
    ['bytes=65530-65545', 65_530, 65_545],
  ])('serves %s byte-identical to the original', async (range, start, end) => {
    const response = await get(range);
    expect(response.status).toBe(206);
    const body = Buffer.from(await response.arrayBuffer());
    const from = start < 0 ? original.length + start : start;
    const to = end < 0 ? original.length - 1 : end;
    expect(body.equals(Buffer.from(original.subarray(from, to + 1)))).toBe(true);
    expect(response.headers.get('content-range')).toBe(`bytes ${from}-${to}/${original.length}`);
  });

  it('answers 416 for an out-of-bounds range', async () => {
    const response = await get(`bytes=${original.length + 10}-`);
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${original.length}`);
  });

  it('fails with an integrity error, never garbage, when one stored byte changes', async () => {
    const file = fsAudioOf(hub.hub).pathFor('demo', id);
    const stored = readFileSync(file);
    const tampered = Buffer.from(stored);
    tampered[100] = (tampered[100] ?? 0) ^ 0x01;
    writeFileSync(file, tampered);
    try {
      const response = await get('bytes=0-99');
      expect(response.status).toBe(500);
      expect(((await response.json()) as any).error.code).toBe('RECORDING_INTEGRITY');
      // A byte changed in a later chunk: the stream stops before that chunk, having served only verified bytes.
      const late = Buffer.from(stored);
      late[late.length - 20] = (late[late.length - 20] ?? 0) ^ 0x01;
      writeFileSync(file, late);
      const full = await get()
        .then((r) => r.arrayBuffer())
        .then((b) => Buffer.from(b))
        .catch(() => null);
      // Either the transfer is aborted, or what arrived is a strict, verified prefix of the original.
      const servedOnlyVerifiedBytes =
        full === null || (full.length < original.length && full.equals(Buffer.from(original.subarray(0, full.length))));
      expect(servedOnlyVerifiedBytes).toBe(true);
    } finally {
      writeFileSync(file, stored);
    }
  });

  it('answers 404 to a token of another tenant', async () => {
    await hub.hub.ensureTenant({ id: 'other', name: 'Other', defaultRegion: 'US', industry: 'general' });
    const stranger = await hub.token('admin', { tenant: 'other' });
    expect((await get(undefined, stranger)).status).toBe(404);
    const meta = await fetch(`${hub.url}/api/v1/calls/${id}`, { headers: { Authorization: `Bearer ${stranger}` } });
    expect(meta.status).toBe(404);
    const list = (await (await fetch(`${hub.url}/api/v1/calls`, { headers: { Authorization: `Bearer ${stranger}` } })).json()) as any;
    expect(list.items).toEqual([]);
  });

  it('stores the audio encrypted: no plaintext WAV bytes on disk', () => {
    const stored = readFileSync(fsAudioOf(hub.hub).pathFor('demo', id));
    expect(stored.includes(Buffer.from('RIFF'))).toBe(false);
    expect(stored.includes(Buffer.from(original.subarray(44, 108)))).toBe(false);
  });
});

describe('the same ingest from HTTP and from `callsight import`', () => {
  /** Runs the real import command in this process against the test hub's data folder; returns its JSON summary. */
  async function importDir(dir: string): Promise<{ stored: number; duplicates: number; refused: { file: string; code: string; message: string }[] }> {
    const program = new Command().exitOverride();
    registerImportCommand(program);
    const written: string[] = [];
    const write = process.stdout.write;
    const dataDir = process.env.DATA_DIR;
    process.env.DATA_DIR = hub.dataDir;
    process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'callsight', 'import', dir, '--tenant', 'demo', '--json']);
    } finally {
      process.stdout.write = write;
      process.exitCode = undefined;
      if (dataDir === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = dataDir;
    }
    return JSON.parse(written.join(''));
  }

  it('stores the same call and refuses the same bad metadata with the same code and message, one audit event per file', async () => {
    const dir = join(hub.dataDir, 'import-1');
    mkdirSync(dir);
    const good = synthesizeCallWav({ durationS: 9, seed: 'import-good' });
    writeFileSync(join(dir, 'good.wav'), good);
    writeFileSync(join(dir, 'bad.wav'), synthesizeCallWav({ durationS: 9, seed: 'import-bad' }));
    const badMetadata = baseMetadata('import-bad', { customerPhone: '12' });
    writeFileSync(join(dir, 'metadata.json'), JSON.stringify([{ file: 'good.wav', ...baseMetadata('import-good') }, { file: 'bad.wav', ...badMetadata }]));

    const before = (await hub.hub.auditLog.head('demo'))!.seq;
    const summary = await importDir(dir);
    const viaHttp = await upload(badMetadata, synthesizeCallWav({ durationS: 9, seed: 'import-bad' }));

    expect(summary).toMatchObject({ stored: 1, duplicates: 0 });
    expect(viaHttp.status).toBe(400);
    expect(summary.refused).toEqual([{ file: 'bad.wav', code: viaHttp.body.error.code, message: viaHttp.body.error.message }]);
    expect(viaHttp.body.error.message).toBe('Invalid call metadata: customerPhone: not a valid phone number');

    const again = await upload(baseMetadata('import-good'), good);
    expect(again.status).toBe(200);
    const events = await hub.hub.auditLog.query('demo', { afterSeq: before, limit: 10 });
    expect(events.map((e) => [e.actor, e.outcome, e.reason])).toEqual([
      ['cli', 'allowed', 'created'],
      ['cli', 'error', 'validation_failed'],
      ['u-admin', 'error', 'validation_failed'],
      ['u-admin', 'allowed', 'duplicate'],
    ]);
  });
});
