import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createDecipheriv, hkdfSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../bin/config';
import { openHub, type Hub } from '../../bin/hub';
import type { Call } from '../../core/recordings/call';
import { synthesizeCallWav } from '../support/audio-fixtures';

const TENANT = 'acme';
const CALLS = 240;
const root = join(__dirname, '..', '..');

/** `callsight keys ...` through registerKeysCommands alone (bin/callsight.ts is composed elsewhere). */
const CLI = `
import { register } from 'tsx/esm/api';
register();
const { Command } = await import('commander');
const { registerKeysCommands } = await import('./bin/commands/keys.command.ts');
const program = new Command().name('callsight').exitOverride();
registerKeysCommands(program);
const args = process.argv.slice(process.argv.indexOf('keys'));
try {
  await program.parseAsync(args, { from: 'user' });
} catch (error) {
  process.stderr.write('callsight: ' + error.message + '\\n');
  process.exit(2);
}`;

let dataDir: string;
let hub: Hub;
const calls: { call: Call; audio: Buffer }[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'callsight-key-rotation-'));
  hub = await openHub(loadConfig({}, { dataDir, port: 0, logLevel: 'silent', seedDemo: 'false', workers: false }));
  await hub.ensureTenant({ id: TENANT, name: 'Acme', defaultRegion: 'CN', industry: 'general' });
  for (let i = 0; i < CALLS; i++) {
    const audio = Buffer.from(synthesizeCallWav({ durationS: 1, seed: `call-${i}` }));
    const metadata = { providerCallId: `p-${i}`, direction: 'inbound', startedAt: new Date(Date.now() - i * 60_000).toISOString(), agentId: 'a-li', customerPhone: '+8613800000000', tags: [] };
    const { call } = await hub.ingest(TENANT, metadata, audio);
    calls.push({ call, audio });
  }
}, 240_000);

afterAll(async () => {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function play(call: Call): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of hub.audio.read({ tenantId: call.tenantId, recordingId: call.id, keyId: call.recording!.keyId, bytes: call.recording!.bytes })) parts.push(part);
  return Buffer.concat(parts);
}

async function expectAllPlay(): Promise<void> {
  for (const { call, audio } of calls) expect((await play(call)).equals(audio), call.id).toBe(true);
}

function cliEnv() {
  return { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', WORKERS: 'false', SEED_DEMO: 'false' };
}

/** Starts `keys rotate` and SIGKILLs it once it has reported `afterSteps` steps; resolves with what it printed. */
function rotateAndKill(afterSteps: number): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CLI, 'keys', 'rotate', '--tenant', TENANT, '--batch-size', '4'], { cwd: root, env: cliEnv() });
    const lines: string[] = [];
    let buffered = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.filter((l) => l.startsWith('keys rotate')).length === afterSteps) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ lines, signal }));
  });
}

const unwrapsUnder = (kek: Buffer): number => {
  const db = new Database(join(dataDir, 'keys', 'data-keys.db'), { readonly: true });
  try {
    let opened = 0;
    for (const row of db.prepare('SELECT tenant_id, key_id, wrapped, generation FROM data_keys').all() as { tenant_id: string; key_id: string; wrapped: Buffer; generation: number }[]) {
      for (const aad of [`${row.tenant_id}\0${row.key_id}`, `${row.tenant_id}\0${row.key_id}\0g${row.generation}`]) {
        try {
          const d = createDecipheriv('aes-256-gcm', kek, row.wrapped.subarray(0, 12));
          d.setAAD(Buffer.from(aad));
          d.setAuthTag(row.wrapped.subarray(row.wrapped.length - 16));
          d.update(row.wrapped.subarray(12, row.wrapped.length - 16));
          d.final();
          opened++;
        } catch {
          // not under this key
        }
      }
    }
    return opened;
  } finally {
    db.close();
  }
};

describe('callsight keys rotate', () => {
  it(`rotates ${CALLS} recordings while the hub serves: killed midway, resumed by a second run, every recording plays and the old key opens nothing`, async () => {
    copyFileSync(join(dataDir, 'keys', 'tenants', `${TENANT}.key`), join(dataDir, 'old-master.key'));
    const master = Buffer.from(readFileSync(join(dataDir, 'old-master.key'), 'utf8').trim(), 'hex');
    const oldKek = Buffer.from(hkdfSync('sha256', master, Buffer.from(TENANT), Buffer.from('callsight:kek'), 32));
    expect(unwrapsUnder(oldKek)).toBe(CALLS);

    // 1. Killed (SIGKILL, no clean-up) after three steps of four keys.
    const killed = await rotateAndKill(3);
    expect(killed.signal, killed.lines.join('\n')).toBe('SIGKILL');
    const midway = await hub.keys.keyStatus(TENANT);
    expect(midway).toMatchObject({ current: 1, retiring: [0], destroyed: [] });
    expect(midway.remaining).toBeGreaterThan(0);
    expect(midway.remaining).toBeLessThanOrEqual(CALLS - 12);

    // 2. The serving hub plays every recording midway, and a call ingested now is wrapped under the new generation.
    await expectAllPlay();
    const late = Buffer.from(synthesizeCallWav({ durationS: 1, seed: 'late' }));
    const { call: lateCall } = await hub.ingest(TENANT, { providerCallId: 'p-late', direction: 'inbound', startedAt: new Date().toISOString(), agentId: 'a-li', customerPhone: '+8613800000000', tags: [] }, late);
    calls.push({ call: lateCall, audio: late });
    const status = spawnSync(process.execPath, ['--input-type=module', '-e', CLI, 'keys', 'status', '--tenant', TENANT, '--json'], { cwd: root, env: cliEnv(), encoding: 'utf8' });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ current: 1, retiring: [0], remaining: midway.remaining, total: CALLS + 1 });

    // 3. A second run resumes and completes.
    const resumed = spawnSync(process.execPath, ['--input-type=module', '-e', CLI, 'keys', 'rotate', '--tenant', TENANT, '--batch-size', '50', '--json'], { cwd: root, env: cliEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(resumed.status, resumed.stderr).toBe(0);
    const run = JSON.parse(resumed.stdout);
    expect(run).toMatchObject({ tenantId: TENANT, generation: 1, completed: true, resumed: true, remaining: 0, destroyed: [0], rewrapped: midway.remaining });
    expect(resumed.stderr).toContain(`keys rotate ${TENANT}: ${CALLS + 1}/${CALLS + 1} keys under generation 1, old generation destroyed`);

    // 4. Every recording plays (through the hub that kept serving), the old key material opens nothing.
    await expectAllPlay();
    expect(unwrapsUnder(oldKek)).toBe(0);
    expect(await hub.keys.keyStatus(TENANT)).toMatchObject({ current: 1, retiring: [], destroyed: [0], remaining: 0 });

    // 5. Audited: one event per step of both runs (the killed step in flight left none), started, progress, completed.
    const events = await hub.auditLog.query(TENANT, { action: 'rotate_tenant_key', limit: 1000 });
    expect(events.every((e) => e.outcome === 'allowed' && e.actor === 'cli')).toBe(true);
    const reasons = events.map((e) => e.reason);
    expect(reasons.filter((r) => r === 'rotation_started')).toHaveLength(1);
    expect(reasons.filter((r) => r === 'rotation_completed')).toHaveLength(1);
    expect(events.length).toBeGreaterThanOrEqual(3 + run.steps);
  }, 300_000);

  it('refuses an unknown tenant with a clear message', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', CLI, 'keys', 'rotate', '--tenant', 'nobody'], { cwd: root, env: cliEnv(), encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('No tenant "nobody" on this hub');
  });
});
