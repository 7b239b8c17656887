import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bin/config';
import { openHub } from '../../bin/hub';
import { createStorageCapability, type StorageCapability } from '../../bin/wiring/storage.wiring';
import type { StoredItem } from '../../core/recordings/audio-store.port';
import { createTestDatabase, dropTestDatabase } from '../contracts/support/databases';

const KILLS = 2;
const CHILD = join(__dirname, 'ingest-crash.child.ts');

/** Starts the ingesting child, waits for `acks` acknowledged calls and a little more, then kill -9s it. */
function ingestThenKill(env: NodeJS.ProcessEnv, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stored: string[] = [];
    let stderr = '';
    let buffered = '';
    let killing = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('stored ')) stored.push(line.slice(7));
      if (!killing && stored.length >= acks) {
        killing = true;
        // A few milliseconds more, so the kill lands inside some of the four ingests in flight.
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 15));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(stored);
      else reject(new Error(`the ingesting child exited by itself (${code}): ${stderr.slice(-2000)}`));
    });
  });
}

const BACKENDS = [
  { name: 'SQLite, file key store', postgres: false },
  { name: 'PostgreSQL, database key store', postgres: true },
] as const;

for (const backend of BACKENDS) {
  describe(`kill -9 during concurrent ingest, then recovery: ${backend.name}`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'callsight-crash-'));
    let dropDb: (() => Promise<void>) | null = null;
    afterAll(async () => {
      await dropDb?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it(`acknowledged calls all play and nothing stranded is left after ${KILLS} kills and one GC pass`, async () => {
      const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      if (backend.postgres) {
        const db = await createTestDatabase();
        dropDb = () => dropTestDatabase(db.name);
        const keyFile = join(dataDir, 'master.key');
        writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
        Object.assign(env, { DATABASE_URL: db.url, KEY_STORE: 'database', MASTER_KEY_FILE: keyFile });
      }
      const acknowledged: string[] = [];
      for (let kill = 0; kill < KILLS; kill++) acknowledged.push(...(await ingestThenKill({ ...env, CHILD_RUN: `run${kill}` }, 6 + kill * 3)));

      const hub = await openHub(loadConfig(env));
      try {
        const storage = createStorageCapability({ recoverAtStart: false, intervalMs: 0 })(hub) as StorageCapability;
        const dry = (await storage.collectEverywhere({ trigger: 'cli', graceMinutes: 0, dryRun: true }))[0]!.result!;
        const done = (await storage.collectEverywhere({ trigger: 'startup', graceMinutes: 0 }))[0]!.result!;
        expect({ ...done, dryRun: true }).toEqual(dry);
        process.stdout.write(
          `${backend.name}: ${acknowledged.length} calls acknowledged over ${KILLS} kills; stranded and removed: ` +
            `${done.containersRemoved} containers, ${done.partialsRemoved} temp files, ${done.keysDestroyed} data keys\n`,
        );

        const items: StoredItem[] = [];
        for await (const item of hub.audio.inventory('acme')) items.push(item);
        expect(items.filter((i) => i.kind === 'partial')).toEqual([]);
        // No temp file anywhere in the data folder (audio, key store or database side files).
        expect(readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'))).toEqual([]);
        const callIds = items.map((i) => i.recordingId);
        expect((await hub.calls.existingCallIds('acme', callIds)).size).toBe(callIds.length);
        const keyIds: string[] = [];
        for await (const entry of hub.keys.listDataKeys('acme', new Date(Date.now() + 60_000))) keyIds.push(entry.keyId);
        expect((await hub.calls.usedKeyIds('acme', keyIds)).size).toBe(keyIds.length);

        // Every acknowledged call is stored once, plays and decrypts to what was sent.
        expect(new Set(acknowledged).size).toBe(acknowledged.length);
        for (const id of acknowledged) {
          const call = await hub.calls.getCall('acme', id, { kind: 'all' });
          expect(call?.recording).toBeTruthy();
          const hash = createHash('sha256');
          for await (const chunk of hub.audio.read({ tenantId: 'acme', recordingId: id, keyId: call!.recording!.keyId, bytes: call!.recording!.bytes })) hash.update(chunk);
          expect(hash.digest('hex')).toBe(call!.recording!.sha256);
        }
        expect((await storage.verifyEverywhere('cli'))[0]!.result!.missing).toEqual([]);
      } finally {
        await hub.close();
      }
    }, 120_000);
  });
}
