import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type HubConfig } from '../../bin/config';
import { openHub, type Hub } from '../../bin/hub';
import { createStorageCapability, type StorageCapability } from '../../bin/wiring/storage.wiring';
import { runStorageGc, runStorageVerify } from '../../bin/commands/storage.command';
import type { Call } from '../../core/recordings/call';
import type { AudioLocation, StoredItem } from '../../core/recordings/audio-store.port';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { createTestDatabase, dropTestDatabase } from '../contracts/support/databases';

const TENANT = 'acme';
const HOUR_AGO_S = Date.now() / 1000 - 2 * 3600;

interface Backend {
  readonly name: string;
  config(dataDir: string): Promise<{ config: HubConfig; cleanup(): Promise<void> }>;
}

/** The default (SQLite + file vault) and the scale-out one (PostgreSQL + database key store, master key in a 0600 file). */
const BACKENDS: readonly Backend[] = [
  {
    name: 'SQLite, file key store',
    config: async (dataDir) => ({ config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), cleanup: async () => undefined }),
  },
  {
    name: 'PostgreSQL, database key store',
    config: async (dataDir) => {
      const db = await createTestDatabase();
      const keyFile = join(dataDir, 'master.key');
      writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
      return {
        config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: db.url, KEY_STORE: 'database', MASTER_KEY_FILE: keyFile }),
        cleanup: () => dropTestDatabase(db.name),
      };
    },
  },
];

function locationOf(call: Call): AudioLocation {
  return { tenantId: call.tenantId, recordingId: call.id, keyId: call.recording!.keyId, bytes: call.recording!.bytes };
}

async function sha256Of(hub: Hub, location: AudioLocation): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of hub.audio.read(location)) hash.update(chunk);
  return hash.digest('hex');
}

async function inventoryOf(hub: Hub): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  for await (const item of hub.audio.inventory(TENANT)) items.push(item);
  return items.sort((a, b) => a.ref.localeCompare(b.ref));
}

async function dataKeysOf(hub: Hub): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of hub.keys.listDataKeys(TENANT, new Date(Date.now() + 60_000))) ids.push(entry.keyId);
  return ids.sort();
}

/** A temp file as a write killed before its rename leaves it, dated `ageS` ago. */
function strandTempFile(dataDir: string, recordingId: string, ageS: number): string {
  const file = join(dataDir, 'audio', TENANT, recordingId.slice(-2), `${recordingId}.csa.${randomUUID()}.tmp`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, randomBytes(700));
  utimesSync(file, ageS, ageS);
  return file;
}

for (const backend of BACKENDS) {
  describe(`crash recovery and storage GC: ${backend.name}`, () => {
    let dataDir: string;
    let cleanup: () => Promise<void>;
    let config: HubConfig;
    let hub: Hub;
    let storage: StorageCapability;
    const kept: Call[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'callsight-gc-'));
      ({ config, cleanup } = await backend.config(dataDir));
      hub = await openHub(config);
      storage = createStorageCapability({ recoverAtStart: false, intervalMs: 0 })(hub) as StorageCapability;
      await hub.ensureTenant({ id: TENANT, name: 'Acme', defaultRegion: 'CN', industry: 'general' });
      for (let n = 1; n <= 4; n++) {
        const { call } = await hub.ingest(
          TENANT,
          { providerCallId: `keep-${n}`, direction: 'inbound', startedAt: `2026-11-0${n}T08:00:00Z` },
          synthesizeCallWav({ durationS: 6, seed: `keep-${n}` }),
        );
        kept.push(call);
      }
    }, 60_000);
    afterAll(async () => {
      await hub?.close();
      await cleanup?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('removes exactly what crashes stranded, after the grace period, and every call still plays', async () => {
      const [playing, archived, lost, another] = kept as [Call, Call, Call, Call];
      // An archived recording: its container is in the archive tier, its call says so.
      await hub.audio.moveTo(locationOf(archived), 'archive');
      await hub.calls.updateCallStatus(TENANT, archived.id, 'archived');
      // 1. Audio and key written, no call row (killed between the write and the commit): one old, one fresh.
      const oldOrphan = await hub.audio.write(TENANT, 'c_strandedold01', synthesizeCallWav({ durationS: 6, seed: 'o1' }));
      const freshOrphan = await hub.audio.write(TENANT, 'c_strandednew02', synthesizeCallWav({ durationS: 6, seed: 'o2' }));
      utimesSync(join(dataDir, 'audio', TENANT, '01', 'c_strandedold01.csa'), HOUR_AGO_S, HOUR_AGO_S);
      // 2. Temp files of killed writes: one old, one fresh (a write in flight on another process).
      const oldTemp = strandTempFile(dataDir, 'c_tempold03', HOUR_AGO_S);
      const freshTemp = strandTempFile(dataDir, 'c_tempnew04', Date.now() / 1000);
      // 3. A data key whose audio never got written.
      await hub.keys.createDataKey(TENANT, 'k_lonely');
      // 4. A call whose container was deleted behind the hub's back.
      await hub.audio.removeFrom(locationOf(lost), 'hot');
      const sealedBefore = hub.keys.sealSecret(TENANT, 'twilio', 'auth-token');

      const dry = await storage.collectEverywhere({ trigger: 'cli', graceMinutes: 60, dryRun: true });
      expect(dry).toEqual([{ tenantId: TENANT, result: expect.objectContaining({ dryRun: true, containersRemoved: 1, partialsRemoved: 1 }) }]);
      expect(existsSync(oldTemp)).toBe(true);

      // With the default grace only the old items go: every key is younger than an hour, so all stay.
      const first = await storage.collectEverywhere({ trigger: 'startup', graceMinutes: 60 });
      expect(first[0]!.result).toMatchObject({ containersRemoved: 1, partialsRemoved: 1, keysDestroyed: 0, dryRun: false });
      expect(first[0]!.result!.protectedItems).toBeGreaterThanOrEqual(2);
      expect(existsSync(oldTemp)).toBe(false);
      expect(existsSync(freshTemp)).toBe(true);
      expect(await hub.keys.hasDataKey(TENANT, oldOrphan.keyId)).toBe(true);

      // Once the grace period is over (here: a grace of 0), the rest goes, and only the rest.
      const second = await storage.collectEverywhere({ trigger: 'schedule', graceMinutes: 0 });
      expect(second[0]!.result).toMatchObject({ containersRemoved: 1, partialsRemoved: 1, keysDestroyed: 3 });
      expect(await hub.keys.hasDataKey(TENANT, oldOrphan.keyId)).toBe(false);
      expect(await hub.keys.hasDataKey(TENANT, freshOrphan.keyId)).toBe(false);
      expect(await hub.keys.hasDataKey(TENANT, 'k_lonely')).toBe(false);

      const items = await inventoryOf(hub);
      expect(items.map((i) => `${i.tier ?? 'hot'}:${i.kind}:${i.recordingId}`).sort()).toEqual(
        [`archive:container:${archived.id}`, `hot:container:${playing.id}`, `hot:container:${another.id}`].sort(),
      );
      expect(await dataKeysOf(hub)).toEqual(kept.map((c) => c.recording!.keyId).sort());
      expect(hub.keys.openSecret(TENANT, 'twilio', sealedBefore)).toBe('auth-token'); // sealing keys are never collected

      for (const call of [playing, another]) expect(await sha256Of(hub, locationOf(call))).toBe(call.recording!.sha256);
      await hub.audio.moveTo(locationOf(archived), 'hot');
      expect(await sha256Of(hub, locationOf(archived))).toBe(archived.recording!.sha256);
      await hub.audio.moveTo(locationOf(archived), 'archive');

      // The call whose container is gone is reported, and nothing about it changed.
      const verified = await storage.verifyEverywhere('cli');
      expect(verified[0]!.result).toEqual({ checked: 4, missing: [{ callId: lost.id, status: 'stored', missing: 'container' }] });
      expect(await hub.calls.getCall(TENANT, lost.id, { kind: 'all' })).toMatchObject({ id: lost.id, status: 'stored' });
      expect(await hub.keys.hasDataKey(TENANT, lost.recording!.keyId)).toBe(true);

      // One audit event per pass, counts only.
      const events = await hub.auditLog.query(TENANT, { action: 'collect_storage_orphans', limit: 100 });
      const passes = events.filter((e) => e.outcome === 'allowed');
      expect(passes.map((e) => (e.details as Record<string, unknown>).trigger)).toEqual(['cli', 'startup', 'schedule']);
      expect(passes[2]!.details).toMatchObject({ containersRemoved: 1, partialsRemoved: 1, keysDestroyed: 3, graceMinutes: 0 });
      expect(JSON.stringify(passes)).not.toContain('c_stranded');
      const verifications = (await hub.auditLog.query(TENANT, { action: 'verify_storage', limit: 100 })).filter((e) => e.outcome === 'allowed');
      expect(verifications).toHaveLength(1);
      expect(verifications[0]!.details).toMatchObject({ checked: 4, missingContainers: 1, missingKeys: 0, callIds: [lost.id] });
    }, 60_000);

    it('the CLI passes of `callsight storage gc` and `verify` run on the same stores from another hub', async () => {
      await hub.audio.write(TENANT, 'c_clistranded05', synthesizeCallWav({ durationS: 6, seed: 'o5' }));
      const gc = await runStorageGc(config, { graceMinutes: 0 });
      expect(gc).toEqual([{ tenantId: TENANT, result: expect.objectContaining({ containersRemoved: 1, keysDestroyed: 1, partialsRemoved: 0 }) }]);
      const verify = await runStorageVerify(config);
      expect(verify[0]!.result!.missing.map((m) => m.missing)).toEqual(['container']);
      expect((await inventoryOf(hub)).some((i) => i.recordingId === 'c_clistranded05')).toBe(false);
    }, 60_000);
  });
}
