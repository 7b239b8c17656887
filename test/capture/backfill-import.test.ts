import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { setupServer } from 'msw/node';
import { createOpenAiTranscriptionsFake, FAKE_OPENAI_BASE_URL } from '../fakes/openai-transcriptions.fake';
import { synthesizeCallWav, synthesizeSilentMp3 } from '../support/audio-fixtures';
import { twilioHandlers, type FakeTwilioState } from '../fakes/twilio-api.fake';
import { postRecordingCallback, recordingCallbackForm } from '../support/twilio-callback';
import { loadConfig } from '../../bin/config';
import { buildHubHttp, openHub, type Hub } from '../../bin/hub';
import { CAPABILITIES, type Capability } from '../../bin/capabilities';
import { serveOnLoopback, type LoopbackHttp } from '../support/loopback-http';

/**
 * `callsight import --from twilio|dir` and `callsight completeness` as an operator runs them: child processes on the
 * hub's data folder, while this process is the live hub (its Twilio webhook and fetch job), both reading a fake of
 * Twilio's REST API served on loopback (test/fakes/twilio-api.fake.ts, shaped as Twilio documents it).
 */
const CLI = resolve(__dirname, '../../bin/callsight.mjs');
const TENANT = 'acme';
const ACCOUNT = 'AC' + 'b4'.repeat(16);
const TOKEN = 'twilio-auth-token-backfill-0001';
const DAY = { from: '2026-11-20', to: '2026-11-21' };
const sid = (prefix: 'CA' | 'RE', n: number) => prefix + String(n).padStart(32, '0');

let shiftMs = 0;
const clock = { now: () => new Date(Date.now() + shiftMs) };
const state: FakeTwilioState = { accountSid: ACCOUNT, authToken: TOKEN, calls: new Map(), recordings: new Map(), requests: [], recordingInfo: new Map() };
let mediaDelayMs = 0;
// The live hub (this process) transcribes what is stored through the msw fake of an OpenAI-compatible endpoint:
// quicker than the default offline recogniser, and the imported calls' transcription is not what is tested here.
const OPENAI_KEY = 'sk-test-backfill-import';
const transcriber = createOpenAiTranscriptionsFake({
  apiKey: OPENAI_KEY,
  respond: () => ({ task: 'transcribe', language: 'english', duration: 2, text: 'Hello.', segments: [{ id: 0, seek: 0, start: 0, end: 1, text: ' Hello.', tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01 }] }),
});
const msw = setupServer(...transcriber.handlers);
let twilio: LoopbackHttp;
let dataDir: string;
let hub: Hub;
let app: FastifyInstance;
let capabilities: Capability[];
let url: string;

/** A call on Twilio's side that started `minute` minutes into 2026-11-20 (UTC), recorded (audio ready unless `media` is false). */
function twilioCall(n: number, minute: number, options: { media?: boolean } = {}): void {
  const start = new Date(Date.parse(`${DAY.from}T00:00:00Z`) + minute * 60_000);
  state.calls.set(sid('CA', n), { sid: sid('CA', n), from: '+14155550100', to: 'client:a-emma', direction: 'inbound', startTime: start, durationS: 20 });
  state.recordingInfo!.set(sid('RE', n), { callSid: sid('CA', n), dateCreated: new Date(start.getTime() + 20_000), status: 'completed' });
  if (options.media !== false) state.recordings.set(sid('RE', n), synthesizeCallWav({ durationS: 2, seed: `backfill-${n}` }));
}

const mediaRequests = (recording?: string) =>
  state.requests.filter((r) => {
    const path = new URL(r.url).pathname;
    return /\/Recordings\/RE[0-9a-f]{32}\.(wav|mp3)$/.test(path) && (!recording || path.includes(recording));
  }).length;

/** Twilio's recording status callback, signed with the account's token, then the live hub's fetch job. */
async function deliverLive(n: number): Promise<void> {
  const form = recordingCallbackForm({ accountSid: ACCOUNT, callSid: sid('CA', n), recordingSid: sid('RE', n) });
  const response = await postRecordingCallback(`${url}/api/v1/webhooks/twilio/recording`, TOKEN, form);
  expect(response.status).toBe(202);
  shiftMs += 60_000; // past the fetch job's first delay
  await hub.jobs.drain();
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `callsight ...args` on the hub's data folder; `kill` ends it with SIGKILL. */
function startCli(args: string[]): { done: Promise<Run>; kill(): void } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', TWILIO_API_BASE_URL: twilio.url, SEED_DEMO: 'false', RECORDING_FETCH_WINDOW_H: '6' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolveRun) => child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr })));
  return { done, kill: () => child.kill('SIGKILL') };
}

const cli = (...args: string[]) => startCli(args).done;

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  msw.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error();
    },
  });
  twilio = await serveOnLoopback(twilioHandlers(state), {
    origin: 'https://api.twilio.com',
    delayMs: (path) => (/\/Recordings\/RE/.test(path) ? mediaDelayMs : 0),
  });
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-backfill-'));
  const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent', seedDemo: 'false', workers: false, twilioApiBaseUrl: twilio.url });
  hub = await openHub(config, clock, { recordingFetch: { windowMs: 6 * 3_600_000, firstDelayMs: 30_000, maxDelayMs: 30 * 60_000 } });
  capabilities = CAPABILITIES.map((create) => create(hub));
  app = await buildHubHttp(hub, capabilities.flatMap((c) => c.plugins ?? []));
  url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', 'localhost');
  await hub.ensureTenant({ id: TENANT, name: 'Acme', defaultRegion: 'US', industry: 'general' });
  await hub.accounts.save({ provider: 'twilio', accountId: ACCOUNT, tenantId: TENANT, sealedSecret: hub.keys.sealSecret(TENANT, 'twilio', TOKEN), settings: {} }, clock.now());
  const admin = await hub.tokens.issue({ tenantId: TENANT, userId: 'u-admin', role: 'admin', teams: [], queues: [] });
  const settings = await fetch(`${url}/api/v1/settings/analysis`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ transcriber: { kind: 'openai-compatible', baseUrl: FAKE_OPENAI_BASE_URL, model: 'whisper-1', language: 'en', apiKey: OPENAI_KEY } }),
  });
  expect(settings.status).toBe(200);
}, 60_000);

afterAll(async () => {
  msw.close();
  await app?.close();
  for (const capability of capabilities ?? []) await capability.stop?.();
  await hub?.close();
  await twilio?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('callsight import --from twilio', () => {
  it('killed midway and run again, stores each call of the window once, beside a call delivered live during the import', async () => {
    for (let n = 1; n <= 30; n++) twilioCall(n, 30 * n);
    twilioCall(31, 26 * 60); // the next day: outside the window
    await deliverLive(5); // stored by its webhook before the import starts
    expect(await hub.calls.findByProviderCallId(TENANT, 'twilio', sid('CA', 5))).not.toBeNull();

    mediaDelayMs = 150;
    const args = ['import', '--from', 'twilio', '--tenant', TENANT, '--since', DAY.from, '--until', DAY.to, '--page-size', '7', '--json'];
    const first = startCli(args);
    // The list is newest first: call 1 comes last. It is delivered live while the import runs.
    await until(() => mediaRequests() >= 8, 'the import to download 8 recordings');
    await deliverLive(1);
    await until(() => mediaRequests() >= 15, 'the import to download 15 recordings');
    first.kill();
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const partial = await hub.calls.countCalls(TENANT);
    expect(partial).toBeGreaterThan(2);
    expect(partial).toBeLessThan(30);

    mediaDelayMs = 0;
    const second = await cli(...args);
    expect(second.code, second.stderr).toBe(0);
    const outcome = JSON.parse(second.stdout) as { resumed: boolean; done: number; counts: Record<string, number> };
    expect(outcome.resumed).toBe(true);
    expect(outcome.done).toBe(30);
    expect(outcome.counts.failed).toBe(0);
    expect(outcome.counts.present).toBeGreaterThanOrEqual(1); // call 1, stored live meanwhile
    expect(second.stderr).toMatch(/^resumed; /m);
    expect(second.stderr).toContain('30/30 recordings'); // the progress bar's last line

    for (let n = 1; n <= 30; n++) expect(await hub.calls.findByProviderCallId(TENANT, 'twilio', sid('CA', n)), `call ${n}`).not.toBeNull();
    expect(await hub.calls.findByProviderCallId(TENANT, 'twilio', sid('CA', 31))).toBeNull();
    expect(await hub.calls.countCalls(TENANT)).toBe(30);
    // The calls stored live were not downloaded again; at most the one recording in flight at the kill was.
    expect(mediaRequests(sid('RE', 5))).toBe(1);
    expect(mediaRequests(sid('RE', 1))).toBe(1);
    const twice = Array.from({ length: 30 }, (_, i) => mediaRequests(sid('RE', i + 1))).filter((c) => c > 1);
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(twice.every((c) => c === 2)).toBe(true);

    // The window is done: running it again reads nothing and stores nothing.
    const listed = state.requests.length;
    const third = await cli(...args);
    expect(third.code, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ resumed: false, done: 30, counts: { stored: 0, present: 0, queued: 0, no_audio: 0, failed: 0 } });
    expect(state.requests.length).toBe(listed);
    expect(twilio.unhandled).toEqual([]);
  }, 180_000);

  it('refuses bad flags with a clear message and changes nothing', async () => {
    const before = await hub.calls.countCalls(TENANT);
    const cases: [string[], RegExp][] = [
      [['import', '--from', 'twilio', '--tenant', TENANT, '--until', DAY.to], /--from twilio needs --since DATE/],
      [['import', '--from', 'fax', '--tenant', TENANT, '--since', DAY.from], /--from must be twilio, connect or dir/],
      [['import', '--from', 'twilio', '--tenant', TENANT, '--since', DAY.from, '--page-size', '0'], /--page-size must be a whole number/],
      [['import', '--from', 'twilio', '--tenant', TENANT, '--since', DAY.to, '--until', DAY.from], /window is empty/],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(...args)));
    runs.forEach((run, i) => {
      expect(run.code, cases[i]![0].join(' ')).not.toBe(0);
      expect(run.stderr).toMatch(cases[i]![1]);
      expect(run.stderr).not.toContain(TOKEN);
    });
    expect(await hub.calls.countCalls(TENANT)).toBe(before);
  }, 120_000);
});

describe('callsight completeness', () => {
  it("prints the window's reconciliation: calls the hub lacks are queued for the fetch job, the others listed with their reason", async () => {
    twilioCall(40, 1000); // on Twilio's list, never reported to the hub; its audio is there
    twilioCall(41, 1010, { media: false }); // listed as recorded, its audio never comes
    const printed = await cli('completeness', '--tenant', TENANT, '--since', DAY.from, '--until', DAY.to);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('completeness 93.75%');
    expect(printed.stdout).toContain("32 recorded on the providers' lists (twilio), 30 stored, 2 missing");
    expect(printed.stdout).toContain('queued 2 fetch(es)');
    expect(printed.stdout).toMatch(new RegExp(`twilio\\s+${sid('CA', 40)}\\s+\\S+\\s+fetching`));
    expect(printed.stdout).toMatch(new RegExp(`twilio\\s+${sid('CA', 41)}\\s+\\S+\\s+fetching`));
    expect(printed.stdout).not.toContain('+1415');

    // The serving hub's workers fetch what was queued: call 40 is stored; call 41's window closes without audio.
    for (const stepMs of [10 * 60_000, 7 * 3_600_000, 3_600_000]) {
      shiftMs += stepMs;
      await hub.jobs.drain();
    }
    expect(await hub.calls.findByProviderCallId(TENANT, 'twilio', sid('CA', 40))).not.toBeNull();
    const again = await cli('completeness', '--tenant', TENANT, '--since', DAY.from, '--until', DAY.to, '--json', '--no-fetch');
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { expected: number; stored: number; missing: number; queued: number; gaps: { providerCallId: string; reason: string }[] };
    expect({ expected: report.expected, stored: report.stored, missing: report.missing, queued: report.queued }).toEqual({ expected: 32, stored: 31, missing: 1, queued: 0 });
    expect(report.gaps.map((g) => [g.providerCallId, g.reason])).toEqual([[sid('CA', 41), 'fetch_failed']]);
  }, 120_000);
});

function asteriskLine(uniqueId: string, start: string): string {
  return `"","13812345678","1001","from-trunk","""Caller"" <13812345678>","PJSIP/trunk-00000001","PJSIP/1001-00000002","Dial","PJSIP/1001-00000002,30",` + `"${start}","${start}","${start}",65,60,"ANSWERED","DOCUMENTATION","${uniqueId}",""\n`;
}

describe('callsight import --from dir', () => {
  it('imports a folder of PBX recordings once (a recording without a CDR row flagged at once, a truncated MP3 failed with its reason); a second run stores nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callsight-backfill-dir-'));
    const folder = join(root, 'monitor');
    mkdirSync(folder);
    const cdr = join(root, 'Master.csv');
    writeFileSync(cdr, asteriskLine('1796631303.11', '2026-11-20 08:15:03') + asteriskLine('1796631400.12', '2026-11-20 08:16:40'));
    writeFileSync(join(folder, '1796631303.11.wav'), synthesizeCallWav({ durationS: 2, seed: 'dir-1' }));
    writeFileSync(join(folder, '1796631400.12.wav'), synthesizeCallWav({ durationS: 2, seed: 'dir-2' }));
    writeFileSync(join(folder, '1796631500.13.wav'), synthesizeCallWav({ durationS: 2, seed: 'dir-3' })); // no CDR row
    const mp3 = synthesizeSilentMp3(3);
    writeFileSync(join(folder, '1796631600.14.mp3'), mp3.subarray(0, mp3.length - 150));
    const old = new Date(Date.now() - 3_600_000);
    for (const name of readdirSync(folder)) utimesSync(join(folder, name), old, old);

    const args = ['import', folder, '--from', 'dir', '--tenant', TENANT, '--pbx', 'asterisk', '--cdr', cdr, '--settle-seconds', '0', '--json'];
    const first = await cli(...args);
    expect(first.code, first.stderr).toBe(1); // a file failed
    expect(JSON.parse(first.stdout)).toMatchObject({ ingested: 3, failed: 1, flaggedWithoutCdr: 1, waitingForCdr: 0 });
    expect(readdirSync(join(folder, 'done')).sort()).toEqual(['1796631303.11.wav', '1796631400.12.wav', '1796631500.13.wav']);
    expect(readdirSync(join(folder, 'failed')).sort()).toEqual(['1796631600.14.mp3', '1796631600.14.mp3.reason']);
    expect(readFileSync(join(folder, 'failed', '1796631600.14.mp3.reason'), 'utf8')).toMatch(/^AUDIO_CORRUPT: /);
    for (const id of ['1796631303.11', '1796631400.12', '1796631500.13']) expect(await hub.calls.findByProviderCallId(TENANT, 'asterisk', id), id).not.toBeNull();
    expect(readdirSync(folder).filter((n) => n !== 'done' && n !== 'failed')).toEqual([]);

    const before = await hub.calls.countCalls(TENANT);
    const second = await cli(...args);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ ingested: 0, failed: 0 });
    expect(await hub.calls.countCalls(TENANT)).toBe(before);
    rmSync(root, { recursive: true, force: true });
  }, 120_000);
});
