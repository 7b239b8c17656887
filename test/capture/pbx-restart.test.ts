import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bin/config';
import { openHub, type Hub } from '../../bin/hub';
import { synthesizeCallWav, synthesizeSilentMp3 } from '../support/audio-fixtures';

const TENANT = 'pbx-batch';
const GOOD = 480;
const BAD = 20;
const root = join(__dirname, '..', '..');

/** `callsight watch ...` through registerWatchCommand alone (bin/callsight.ts is composed elsewhere). */
const CLI = `
import { register } from 'tsx/esm/api';
register();
const { Command } = await import('commander');
const { registerWatchCommand } = await import('./bin/commands/watch.command.ts');
const program = new Command().name('callsight').exitOverride();
registerWatchCommand(program);
const args = process.argv.slice(process.argv.indexOf('watch'));
try {
  await program.parseAsync(args, { from: 'user' });
} catch (error) {
  process.stderr.write('callsight: ' + error.message + '\\n');
  process.exit(2);
}`;

let dir: string;
let dataDir: string;
let folder: string;
let cdrPath: string;
let hub: Hub;

const idOf = (i: number) => `1796631303.${1000 + i}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callsight-pbx-restart-'));
  dataDir = join(dir, 'data');
  folder = join(dir, 'monitor');
  cdrPath = join(dir, 'Master.csv');
  mkdirSync(folder);
  hub = await openHub(loadConfig({}, { dataDir, port: 0, logLevel: 'silent', seedDemo: 'false', workers: false }));
  await hub.ensureTenant({ id: TENANT, name: 'Batch', defaultRegion: 'CN', industry: 'general' });
  await hub.calls.upsertAgent({ tenantId: TENANT, id: '1001', name: 'Agent 1001', team: 'support', seniority: 'senior', hiredAt: '2024-01-01T00:00:00.000Z' });
  const wav = synthesizeCallWav({ durationS: 1, seed: 'batch' });
  const mp3 = synthesizeSilentMp3(1);
  const truncated = mp3.subarray(0, mp3.length - 100);
  const lines: string[] = [];
  const old = new Date(Date.now() - 60_000);
  for (let i = 0; i < GOOD + BAD; i++) {
    const bad = i % 25 === 7;
    const name = bad ? `${idOf(i)}.mp3` : `${idOf(i)}.wav`;
    writeFileSync(join(folder, name), bad ? truncated : wav);
    utimesSync(join(folder, name), old, old);
    lines.push(`"","138${String(10_000_000 + i)}","1001","from-trunk","""C"" <138>","PJSIP/trunk-1","PJSIP/1001-${i}","Dial","PJSIP/1001","2026-12-07 08:00:00","2026-12-07 08:00:01","2026-12-07 08:01:00",60,59,"ANSWERED","DOCUMENTATION","${idOf(i)}",""\n`);
  }
  writeFileSync(cdrPath, lines.join(''));
}, 60_000);

afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

function cliEnv() {
  return { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', WORKERS: 'false', SEED_DEMO: 'false' };
}

const watchArgs = (...more: string[]) => ['--input-type=module', '-e', CLI, 'watch', folder, '--tenant', TENANT, '--pbx', 'asterisk', '--cdr', cdrPath, '--settle-seconds', '0', ...more];

/** Starts `watch --once` and SIGKILLs it once it has dealt with `afterFiles` files; resolves with what it reported. */
function watchAndKill(afterFiles: number): Promise<{ ingested: number; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, watchArgs('--once'), { cwd: root, env: cliEnv() });
    let ingested = 0;
    let handled = 0;
    let buffered = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.startsWith('watch: ')) continue;
        handled++;
        if (line === 'watch: ingested') ingested++;
        if (handled === afterFiles) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ ingested, signal }));
  });
}

describe('callsight watch: a restart in the middle of a batch', () => {
  it(`${GOOD + BAD} files, the watcher SIGKILLed midway and run again: every good file stored once, every bad one in failed/ with its reason, nothing left behind`, async () => {
    const killed = await watchAndKill(180);
    expect(killed.signal).toBe('SIGKILL');
    expect(readdirSync(folder).length).toBeGreaterThan(2 + 100); // files still waiting in the folder

    const resumed = spawnSync(process.execPath, watchArgs('--once', '--json'), { cwd: root, env: cliEnv(), encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(resumed.stdout.trim().split('\n').at(-1) ?? '{}') as { ingested: number; duplicates: number; failed: number };
    expect(resumed.status, resumed.stderr).toBe(1); // some files failed
    // Each good file was stored by exactly one of the two runs: at most the one in hand at the kill is seen again.
    expect(killed.ingested + report.ingested).toBe(GOOD);
    expect(report.duplicates).toBeLessThanOrEqual(1);

    expect(readdirSync(folder).sort()).toEqual(['done', 'failed']);
    const done = readdirSync(join(folder, 'done'));
    expect(done).toHaveLength(GOOD);
    expect(done.every((n) => n.endsWith('.wav'))).toBe(true);
    const failed = readdirSync(join(folder, 'failed')).sort();
    expect(failed.filter((n) => n.endsWith('.mp3'))).toHaveLength(BAD);
    expect(failed.filter((n) => n.endsWith('.mp3.reason'))).toHaveLength(BAD);
    expect(failed).toHaveLength(2 * BAD);
    for (const name of failed.filter((n) => n.endsWith('.reason'))) expect(readFileSync(join(folder, 'failed', name), 'utf8')).toMatch(/^AUDIO_CORRUPT: .*truncated/);

    expect(await hub.calls.countCalls(TENANT)).toBe(GOOD);
    for (let i = 0; i < GOOD + BAD; i++) {
      const call = await hub.calls.findByProviderCallId(TENANT, 'asterisk', idOf(i));
      expect(call === null, idOf(i)).toBe(i % 25 === 7);
    }
    // One audit event per stored call, by the watcher's system actor.
    const events = [];
    for await (const event of hub.auditLog.iterate(TENANT)) events.push(event);
    const created = events.filter((e) => e.action === 'ingest' && e.reason === 'created');
    expect(created).toHaveLength(GOOD);
    expect(new Set(created.map((e) => e.actor))).toEqual(new Set(['pbx-watcher']));
  }, 120_000);

  it('runs until SIGTERM, then stops cleanly', async () => {
    const name = `${idOf(900)}.wav`;
    writeFileSync(join(folder, name), synthesizeCallWav({ durationS: 1, seed: 'live' }));
    const child = spawn(process.execPath, watchArgs('--poll-seconds', '0.2', '--cdr-wait-minutes', '0'), { cwd: root, env: cliEnv() });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no file handled: ${stderr}`)), 60_000);
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('watch: ingested')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('watch stopped');
    expect(readdirSync(join(folder, 'done'))).toContain(name);
    expect((await hub.calls.findByProviderCallId(TENANT, 'asterisk', idOf(900)))?.tags).toEqual(['cdr_missing']);
  }, 90_000);
});
