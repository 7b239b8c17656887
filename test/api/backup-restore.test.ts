import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { listFiles } from '../../adapters/backup';
import { runRestore } from '../../bin/commands/backup.command';
import { fsAudioOf } from '../support/hub';
import { runCli, startRetentionHub, TENANT, readAudio, type RetentionTestHub } from './retention-harness';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const NAMES = ['keep-a', 'keep-b', 'victim', 'misdial', 'archived'] as const;

let t: RetentionTestHub;
let dataDir: string;
const work = mkdtempSync(join(tmpdir(), 'callsight-backup-test-'));
const backupDir = join(work, 'backup');
const keysDir = join(work, 'offline-keys');

async function fileDigests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of await listFiles(dir)) out.set(rel, createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex'));
  return out;
}

beforeAll(async () => {
  t = await startRetentionHub();
  dataDir = t.dataDir;
  const admin = await t.token('admin');
  const policy = { name: 'tiered', rules: [{ id: 'default', match: {}, keepDays: 3000, then: 'delete', archiveAfterDays: 100 }] };
  expect((await t.api('PUT', '/api/v1/retention/policy', { token: admin, body: policy })).status).toBe(200);
  await t.ingest('keep-a', daysAgo(3), 7, { tags: ['vip'] });
  await t.ingest('keep-b', daysAgo(20), 9);
  await t.ingest('victim', daysAgo(5), 8);
  await t.ingest('misdial', daysAgo(1), 2);
  await t.ingest('archived', daysAgo(200), 7);
  await t.sweep();
  expect((await t.call('archived')).status).toBe('archived');
});
afterAll(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

describe('callsight backup and restore', () => {
  it('backup, delete, restore: the deleted call stays deleted, everything else is byte-identical', async () => {
    const before = {
      audio: await fileDigests(join(dataDir, 'audio')),
      archive: await fileDigests(join(dataDir, 'archive')),
      calls: Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await t.call(n)] as const))),
    };

    const backup = runCli(dataDir, ['backup', backupDir, '--keys-dir', keysDir, '--json']);
    expect(backup.status, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ calls: 5, audioFiles: 4, archiveFiles: 1 });
    // Data and keys apart: no key material in the data half.
    const dataFiles = await listFiles(backupDir);
    expect(dataFiles).toContain('db/callsight.db');
    expect(dataFiles.some((f) => f.includes('data-keys') || f.endsWith('.key'))).toBe(false);
    expect(await listFiles(keysDir)).toEqual(expect.arrayContaining(['data-keys.db', `tenants/${TENANT}.key`, 'manifest.json']));

    const victim = before.calls.victim!;
    const del = await t.api('DELETE', `/api/v1/calls/${victim.id}`, { token: await t.token('admin') });
    expect(del.status).toBe(200);
    await t.close({ keepData: true });

    const restore = runCli(dataDir, ['restore', backupDir, '--keys-dir', keysDir, '--json']);
    expect(restore.status, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ journalled: 1, redeleted: 1, keysDropped: 1 });

    t = await startRetentionHub({ dataDir });
    const admin = await t.token('admin');
    const after = await t.call('victim');
    expect(after).toMatchObject({ status: 'deleted', recording: null });
    expect(await t.retention.store.getTombstone(TENANT, victim.id)).toMatchObject({ basis: 'admin', audioSha256: victim.recording!.sha256 });
    expect(await t.hub.keys.hasDataKey(TENANT, victim.recording!.keyId)).toBe(false);
    expect(existsSync(fsAudioOf(t.hub).pathFor(TENANT, victim.id))).toBe(false);
    expect((await t.api('GET', `/api/v1/calls/${victim.id}/audio`, { token: admin })).status).toBe(410);
    const certificates = await t.hub.auditLog.query(TENANT, { action: 'delete', target: `call:${victim.id}`, outcome: 'allowed', limit: 10 });
    expect(certificates.map((e) => e.reason)).toEqual(['reapplied_after_restore']);
    expect(await t.hub.auditLog.query(TENANT, { action: 'restore', limit: 10 })).toHaveLength(1);
    // The backup itself still holds the old wrapped key; restore never brought it back.
    const backupKeys = new Database(join(keysDir, 'data-keys.db'), { readonly: true });
    expect(backupKeys.prepare('SELECT 1 FROM data_keys WHERE key_id = ?').get(victim.recording!.keyId)).toBeDefined();
    backupKeys.close();

    const victimPath = `${TENANT}/${victim.id.slice(-2)}/${victim.id}.csa`;
    const expectedAudio = new Map([...before.audio].filter(([rel]) => rel !== victimPath));
    expect(await fileDigests(join(dataDir, 'audio'))).toEqual(expectedAudio);
    expect(await fileDigests(join(dataDir, 'archive'))).toEqual(before.archive);
    for (const name of NAMES.filter((n) => n !== 'victim')) {
      const call = await t.call(name);
      expect(call, name).toEqual(before.calls[name]);
      if (call.status === 'archived') continue;
      const audio = await readAudio(t.hub, call);
      expect(createHash('sha256').update(audio).digest('hex')).toBe(call.recording!.sha256);
    }
  });

  it('refuses a damaged backup before changing anything', async () => {
    const file = join(backupDir, (await listFiles(backupDir)).find((f) => f.startsWith('audio/'))!);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    writeFileSync(file, bytes);
    await t.close({ keepData: true });
    const dbBefore = createHash('sha256').update(readFileSync(join(dataDir, 'callsight.db'))).digest('hex');
    await expect(runRestore(t.config, backupDir, keysDir)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('does not match its manifest') });
    expect(createHash('sha256').update(readFileSync(join(dataDir, 'callsight.db'))).digest('hex')).toBe(dbBefore);
    t = await startRetentionHub({ dataDir });
  });
});
