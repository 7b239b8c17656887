import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bin/config';
import { openHub, type Hub } from '../../bin/hub';
import { createDropFolderWatcher } from '../../bin/commands/watch.command';
import { ASTERISK_MASTER_COLUMNS, DropFolderWatcher, FREESWITCH_DEFAULT_COLUMNS, type DropFolderOptions } from '../../adapters/telephony/pbx';
import { MusicMetadataAudioProbe } from '../../adapters/audio/probe';
import { systemActor } from '../../app/calls';
import { CallsightError } from '../../core/shared/errors';
import { synthesizeCallWav, synthesizeSilentMp3 } from '../support/audio-fixtures';
import { createTestDatabase, dropTestDatabase } from '../contracts/support/databases';

const TENANT = 'pbx-co';
const SETTLE_MS = 300;
let root: string;
let hub: Hub;
let shiftMs = 0;
let closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'callsight-pbx-watch-'));
  const config = loadConfig({}, { dataDir: join(root, 'data'), port: 0, logLevel: 'silent', seedDemo: 'false', workers: false });
  hub = await openHub(config, { now: () => new Date(Date.now() + shiftMs) });
  await hub.ensureTenant({ id: TENANT, name: 'PBX Co', defaultRegion: 'CN', industry: 'general' });
  await hub.calls.upsertAgent({ tenantId: TENANT, id: '1001', name: 'Agent 1001', team: 'support', seniority: 'senior', hiredAt: '2024-01-01T00:00:00.000Z' });
  await hub.calls.upsertAgent({ tenantId: TENANT, id: 'a-wang', name: 'Wang', team: 'sales', seniority: 'new', hiredAt: '2024-01-01T00:00:00.000Z' });
}, 60_000);

afterAll(async () => {
  for (const close of closers) await close();
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

let folders = 0;
async function watcherFor(pbx: 'asterisk' | 'freeswitch', cdr: { file?: string; json?: boolean } = {}, extra: Partial<DropFolderOptions> = {}) {
  const folder = join(root, `drop-${++folders}`);
  mkdirSync(folder);
  const cdrPath = cdr.json ? join(root, `json-cdr-${folders}`) : join(root, `Master-${folders}.csv`);
  if (cdr.json) mkdirSync(cdrPath);
  const options: DropFolderOptions = {
    tenantId: TENANT,
    folder,
    pbx,
    cdr: { path: cdrPath, format: cdr.json ? 'json' : 'csv', columns: pbx === 'asterisk' ? [...ASTERISK_MASTER_COLUMNS] : [...FREESWITCH_DEFAULT_COLUMNS], utcOffset: '+00:00' },
    settleMs: SETTLE_MS,
    cdrWaitMs: 30 * 60_000,
    ...extra,
  };
  const built = await createDropFolderWatcher(hub, hub.config, options);
  closers.push(built.close);
  return { ...built, folder, cdrPath, options };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Makes a file look written `ageMs` ago (a recording that finished before the watcher started). */
function age(path: string, ageMs = 60_000): void {
  const at = new Date(Date.now() - ageMs);
  utimesSync(path, at, at);
}

function asteriskLine(uniqueId: string, src: string, dst: string, dstChannel: string, start = '2026-12-07 08:15:03'): string {
  return `"","${src}","${dst}","from-trunk","""Caller"" <${src}>","PJSIP/trunk-00000001","${dstChannel}","Dial","${dstChannel},30",` + `"${start}","${start}","${start}",65,60,"ANSWERED","DOCUMENTATION","${uniqueId}",""\n`;
}

async function stored(provider: string, providerCallId: string) {
  return hub.calls.findByProviderCallId(TENANT, provider, providerCallId);
}

describe('callsight watch: PBX drop folder', () => {
  it('a WAV written slowly in pieces is left alone until complete and stable, then ingested exactly once', async () => {
    const w = await watcherFor('asterisk');
    writeFileSync(w.cdrPath, asteriskLine('1796631303.11', '13812345678', '1001', 'PJSIP/1001-00000002'));
    const wav = Buffer.from(synthesizeCallWav({ durationS: 2, seed: 'slow' }));
    const path = join(w.folder, '1796631303.11.wav');
    const pieces = 4;
    const step = Math.ceil(wav.length / pieces);
    for (let i = 0; i < pieces; i++) {
      appendFileSync(path, wav.subarray(i * step, (i + 1) * step));
      const report = await w.watcher.runPass();
      expect(report.ingested, `piece ${i + 1}`).toBe(0);
      expect(report.unsettled).toBe(1);
      expect(await stored('asterisk', '1796631303.11')).toBeNull();
      // The writer pauses longer than the settle interval once, midway: the incomplete WAV is still not judged.
      await sleep(i === 1 ? SETTLE_MS + 100 : 50);
      if (i === 1) expect((await w.watcher.runPass()).unsettled).toBe(1);
    }
    await sleep(SETTLE_MS + 100);
    const report = await w.watcher.runUntilSettled();
    expect(report).toMatchObject({ ingested: 1, failed: 0 });
    const call = await stored('asterisk', '1796631303.11');
    expect(call).toMatchObject({ direction: 'inbound', agentId: '1001', customerPhone: '+8613812345678', startedAt: '2026-12-07T08:15:03.000Z', tags: [] });
    expect(call?.recording?.bytes).toBeGreaterThan(0);
    expect(readdirSync(w.folder).sort()).toEqual(['done', 'failed']);
    expect(readdirSync(join(w.folder, 'done'))).toEqual(['1796631303.11.wav']);
    expect(await w.watcher.runPass()).toMatchObject({ ingested: 0, duplicates: 0 });
    expect((await w.ledger.listFiles(TENANT, w.folder)).map((r) => [r.name, r.state, r.callId])).toEqual([['1796631303.11.wav', 'done', call!.id]]);
  });

  it('a truncated MP3 goes to failed/ with a reason file, and nothing is stored', async () => {
    const w = await watcherFor('asterisk');
    writeFileSync(w.cdrPath, asteriskLine('1796631303.12', '13812345678', '1001', 'PJSIP/1001-00000002'));
    const mp3 = synthesizeSilentMp3(3);
    const path = join(w.folder, '1796631303.12.mp3');
    writeFileSync(path, mp3.subarray(0, mp3.length - 150));
    age(path);
    const report = await w.watcher.runUntilSettled();
    expect(report).toMatchObject({ ingested: 0, failed: 1 });
    expect(readdirSync(w.folder).sort()).toEqual(['done', 'failed']);
    expect(readdirSync(join(w.folder, 'failed')).sort()).toEqual(['1796631303.12.mp3', '1796631303.12.mp3.reason']);
    const reason = readFileSync(join(w.folder, 'failed', '1796631303.12.mp3.reason'), 'utf8');
    expect(reason).toMatch(/^AUDIO_CORRUPT: .*truncated/);
    expect(reason).not.toContain('13812345678');
    expect(await stored('asterisk', '1796631303.12')).toBeNull();
    expect((await w.ledger.getFile(TENANT, w.folder, '1796631303.12.mp3'))?.state).toBe('failed');
  });

  it('a WAV that does not parse and a file of another format fail with their own reasons', async () => {
    const w = await watcherFor('asterisk');
    writeFileSync(join(w.folder, '1796631303.13.wav'), 'RIFF....not really a wave file at all');
    writeFileSync(join(w.folder, '1796631303.14.gsm'), 'x');
    for (const name of readdirSync(w.folder)) if (name.includes('.')) age(join(w.folder, name));
    expect(await w.watcher.runUntilSettled()).toMatchObject({ failed: 2 });
    expect(readFileSync(join(w.folder, 'failed', '1796631303.13.wav.reason'), 'utf8')).toMatch(/^UNSUPPORTED_MEDIA_TYPE: /);
    expect(readFileSync(join(w.folder, 'failed', '1796631303.14.gsm.reason'), 'utf8')).toMatch(/not a \.wav or \.mp3/);
  });

  it('a CDR line arriving after its recording (first half a line, then the rest) joins it', async () => {
    const w = await watcherFor('asterisk');
    writeFileSync(w.cdrPath, asteriskLine('1796631303.20', '13900000000', '1001', 'PJSIP/1001-00000009'));
    const path = join(w.folder, '1796631303.21.wav');
    writeFileSync(path, synthesizeCallWav({ durationS: 1, seed: 'late-cdr' }));
    age(path);
    expect(await w.watcher.runUntilSettled()).toMatchObject({ ingested: 0, waitingForCdr: 1, cdrRows: 1 });

    const line = asteriskLine('1796631303.21', '1001', '02161234567', 'PJSIP/trunk-00000010', '2026-12-07 09:00:00');
    appendFileSync(w.cdrPath, line.slice(0, 60));
    expect(await w.watcher.runPass()).toMatchObject({ ingested: 0, waitingForCdr: 1, cdrRows: 0 });
    appendFileSync(w.cdrPath, line.slice(60));
    expect(await w.watcher.runPass()).toMatchObject({ ingested: 1, cdrRows: 1 });
    expect(await stored('asterisk', '1796631303.21')).toMatchObject({ direction: 'outbound', agentId: '1001', customerPhone: '+862161234567', startedAt: '2026-12-07T09:00:00.000Z' });
    // The CDR rows were read once each: the file's offset was remembered.
    expect(await w.watcher.runPass()).toMatchObject({ cdrRows: 0 });
  });

  it('no CDR within the window: ingested with what is known, flagged cdr_missing (search finds it), a later CDR lands in the provider ledger', async () => {
    const w = await watcherFor('asterisk');
    const path = join(w.folder, 'rec-1796631303.30.wav');
    writeFileSync(path, synthesizeCallWav({ durationS: 1, seed: 'no-cdr' }));
    age(path, 120_000);
    expect(await w.watcher.runUntilSettled()).toMatchObject({ waitingForCdr: 1, ingested: 0 });
    shiftMs = 31 * 60_000;
    try {
      expect(await w.watcher.runPass()).toMatchObject({ ingested: 1, flaggedWithoutCdr: 1 });
    } finally {
      shiftMs = 0;
    }
    const call = await stored('asterisk', '1796631303.30');
    expect(call).toMatchObject({ direction: 'inbound', agentId: null, customerPhone: null, tags: ['cdr_missing'] });
    // Start time from the file: it finished (mtime) two minutes ago and lasts about a second.
    expect(Math.abs(Date.parse(call!.startedAt) - (Date.now() - 121_000))).toBeLessThan(5_000);
    const flagged = await hub.calls.listCalls(TENANT, { tag: 'cdr_missing' }, { kind: 'all' }, { limit: 10 });
    expect(flagged.items.map((c) => c.id)).toContain(call!.id);

    appendFileSync(w.cdrPath, asteriskLine('1796631303.30', '13812345678', '1001', 'PJSIP/1001-00000011'));
    expect(await w.watcher.runPass()).toMatchObject({ cdrRows: 1 });
    const ledger = await hub.providerCalls.reconcile(TENANT, { from: '2026-12-07T00:00:00.000Z', to: '2026-12-08T00:00:00.000Z', provider: 'asterisk' }, { limit: 100 });
    const entry = ledger.items.find((i) => i.entry.providerCallId === '1796631303.30');
    // The ledger keeps where it first saw the call (the recording); the CDR row seen later updates, never duplicates.
    expect(ledger.items.filter((i) => i.entry.providerCallId === '1796631303.30')).toHaveLength(1);
    expect(entry).toMatchObject({ callId: call!.id, entry: { recorded: true, source: 'pbx-recording' } });
  });

  it('FreeSWITCH: mod_cdr_csv rows and mod_json_cdr files join recordings named by uuid', async () => {
    const csv = await watcherFor('freeswitch');
    const uuidA = '6f644233-fcae-46bb-ad45-74838a9c51ab';
    writeFileSync(csv.cdrPath, `"Li","13812345678","1001","default","2026-12-07 10:00:00","2026-12-07 10:00:02","2026-12-07 10:01:00","60","58","NORMAL_CLEARING","${uuidA}","", ""\n`);
    writeFileSync(join(csv.folder, `${uuidA}.wav`), synthesizeCallWav({ durationS: 1, seed: 'fs-csv' }));
    age(join(csv.folder, `${uuidA}.wav`));
    expect(await csv.watcher.runUntilSettled()).toMatchObject({ ingested: 1 });
    expect(await stored('freeswitch', uuidA)).toMatchObject({ direction: 'inbound', agentId: '1001', customerPhone: '+8613812345678', startedAt: '2026-12-07T10:00:00.000Z' });

    const json = await watcherFor('freeswitch', { json: true }, { extensionAgents: new Map([['1002', 'a-wang']]) });
    const uuidB = '80183ec8-d424-11e3-8fb2-65b6c3cdac7d';
    writeFileSync(join(json.folder, `${uuidB}.mp3`), synthesizeSilentMp3(2));
    age(join(json.folder, `${uuidB}.mp3`));
    // A JSON CDR still being written is not read until it parses.
    const document = JSON.stringify({ variables: { uuid: uuidB, direction: 'outbound', caller_id_number: '1002', destination_number: '02161234567', start_epoch: '1796637600', billsec: '30', cc_queue: 'sales' } });
    writeFileSync(join(json.cdrPath, `a_${uuidB}.cdr.json`), document.slice(0, 30));
    expect(await json.watcher.runUntilSettled()).toMatchObject({ ingested: 0, waitingForCdr: 1 });
    writeFileSync(join(json.cdrPath, `a_${uuidB}.cdr.json`), document);
    expect(await json.watcher.runPass()).toMatchObject({ ingested: 1, cdrRows: 1 });
    expect(await stored('freeswitch', uuidB)).toMatchObject({ direction: 'outbound', agentId: 'a-wang', queue: 'sales', customerPhone: '+862161234567', startedAt: new Date(1796637600 * 1000).toISOString() });
  });

  it('restart between ingest and move: the file is only moved, the call is not stored twice', async () => {
    const w = await watcherFor('asterisk');
    writeFileSync(w.cdrPath, asteriskLine('1796631303.40', '13812345678', '1001', 'PJSIP/1001-00000012'));
    const path = join(w.folder, '1796631303.40.wav');
    const audio = synthesizeCallWav({ durationS: 1, seed: 'crash' });
    writeFileSync(path, audio);
    age(path);
    expect(await w.watcher.runUntilSettled()).toMatchObject({ ingested: 1 });
    const first = await stored('asterisk', '1796631303.40');
    // Put the world back as a crash right after `ingested` leaves it: the file still in the folder.
    writeFileSync(path, audio);
    age(path);
    await w.ledger.setState({ tenantId: TENANT, folder: w.folder, name: '1796631303.40.wav' }, 'ingested', new Date().toISOString());
    const restarted = await createDropFolderWatcher(hub, hub.config, w.options);
    closers.push(restarted.close);
    const again = await restarted.watcher.runUntilSettled();
    expect(again).toMatchObject({ ingested: 0, duplicates: 1, failed: 0 });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(w.folder, 'done')).sort()).toEqual(['1796631303.40.wav', '1796631303.40.wav.1']);
    expect((await stored('asterisk', '1796631303.40'))?.id).toBe(first!.id);
  });
});

describe('callsight watch: failures that are not the file\'s fault', () => {
  it('an ingest that fails for the hub\'s own reason leaves the file claimed in place; the long-running watcher retries it at the next poll', async () => {
    const w = await watcherFor('asterisk');
    writeFileSync(w.cdrPath, asteriskLine('1796631303.60', '13812345678', '1001', 'PJSIP/1001-1'));
    const path = join(w.folder, '1796631303.60.wav');
    writeFileSync(path, synthesizeCallWav({ durationS: 1, seed: 'retry' }));
    age(path);
    let attempts = 0;
    const flaky = new DropFolderWatcher(w.options, {
      ledger: w.ledger,
      probe: new MusicMetadataAudioProbe(),
      clock: { now: () => new Date() },
      async tenant() {
        return { defaultRegion: 'CN', agentIds: new Set(['1001']) };
      },
      async ingest(metadata, audio) {
        if (++attempts === 1) throw new CallsightError('UPSTREAM_FAILED', 'The database is not reachable');
        const outcome = await hub.ingestion.ingestCall(systemActor(TENANT, 'pbx-watcher'), { metadata, audio });
        return { callId: outcome.call.id, created: outcome.created };
      },
    });
    await expect(flaky.runPass()).rejects.toMatchObject({ code: 'UPSTREAM_FAILED' });
    expect(existsSync(path)).toBe(true);
    expect((await w.ledger.getFile(TENANT, w.folder, '1796631303.60.wav'))?.state).toBe('claimed');

    const controller = new AbortController();
    const errors: unknown[] = [];
    const reports: number[] = [];
    attempts = 0;
    await flaky.run(controller.signal, 20, (report) => {
      reports.push(report.ingested);
      if (report.ingested > 0) controller.abort();
    }, (error) => errors.push(error));
    expect(errors).toHaveLength(1);
    expect(reports).toEqual([1]);
    expect(readdirSync(join(w.folder, 'done'))).toEqual(['1796631303.60.wav']);
    expect(await stored('asterisk', '1796631303.60')).toMatchObject({ agentId: '1001' });
  });
});

describe('callsight watch on PostgreSQL (the ledger in the hub database, migration 13)', () => {
  it('waits for a late CDR, joins it, survives a restart between ingest and move, and remembers CDR offsets', async () => {
    const database = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'callsight-pbx-pg-'));
    const pgHub = await openHub(loadConfig({}, { dataDir: join(dir, 'data'), port: 0, logLevel: 'silent', seedDemo: 'false', workers: false, databaseUrl: database.url }));
    try {
      await pgHub.ensureTenant({ id: TENANT, name: 'PBX Co', defaultRegion: 'CN', industry: 'general' });
      await pgHub.calls.upsertAgent({ tenantId: TENANT, id: '1001', name: 'Agent 1001', team: 'support', seniority: 'senior', hiredAt: '2024-01-01T00:00:00.000Z' });
      const folder = join(dir, 'drop');
      mkdirSync(folder);
      const options: DropFolderOptions = {
        tenantId: TENANT,
        folder,
        pbx: 'asterisk',
        cdr: { path: join(dir, 'Master.csv'), format: 'csv', columns: [...ASTERISK_MASTER_COLUMNS], utcOffset: '+08:00' },
        settleMs: SETTLE_MS,
        cdrWaitMs: 30 * 60_000,
      };
      const first = await createDropFolderWatcher(pgHub, pgHub.config, options);
      const path = join(folder, '1796631303.50.wav');
      const audio = synthesizeCallWav({ durationS: 1, seed: 'pg' });
      writeFileSync(path, audio);
      age(path);
      expect(await first.watcher.runUntilSettled()).toMatchObject({ waitingForCdr: 1 });
      writeFileSync(options.cdr.path, asteriskLine('1796631303.50', '13812345678', '1001', 'PJSIP/1001-1', '2026-12-07 16:15:03'));
      expect(await first.watcher.runPass()).toMatchObject({ ingested: 1, cdrRows: 1 });
      const call = await pgHub.calls.findByProviderCallId(TENANT, 'asterisk', '1796631303.50');
      expect(call).toMatchObject({ agentId: '1001', customerPhone: '+8613812345678', startedAt: '2026-12-07T08:15:03.000Z' });
      expect(await first.ledger.getFile(TENANT, folder, '1796631303.50.wav')).toMatchObject({ state: 'done', callId: call!.id, cdrMissing: false });

      writeFileSync(path, audio);
      age(path);
      await first.ledger.setState({ tenantId: TENANT, folder, name: '1796631303.50.wav' }, 'ingested', new Date().toISOString());
      await first.close();
      const second = await createDropFolderWatcher(pgHub, pgHub.config, options);
      try {
        expect(await second.watcher.runUntilSettled()).toMatchObject({ ingested: 0, duplicates: 1, cdrRows: 0 });
        expect(readdirSync(folder).sort()).toEqual(['done', 'failed']);
        expect(await pgHub.calls.countCalls(TENANT)).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await pgHub.close();
      rmSync(dir, { recursive: true, force: true });
      await dropTestDatabase(database.name);
    }
  }, 60_000);
});
