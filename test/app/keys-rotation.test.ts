import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FileKeyVault } from '../../adapters/keys/file';
import { SqlSealedSecrets, sqliteRunner } from '../../adapters/keys/sealed-secrets';
import { EncryptedFsAudioStore } from '../../adapters/blob/encrypted-fs';
import { copyTree, dropDataKeys, snapshotSqlite } from '../../adapters/backup';
import { createKeysUseCases, type RotationStep } from '../../app/keys';
import { cliActor } from '../../app/shared/actor';
import type { AudioLocation } from '../../core/recordings/audio-store.port';
import type { KeyRotation } from '../../core/recordings/key-vault.port';
import { auditSpy, principal } from './support/audit-spy';

const TENANT = 't1';
const RECORDINGS = 300;

let dir: string;
let vault: FileKeyVault;
/** A second connection to the same key store: the serving hub, which keeps playing while the CLI rotates. */
let server: FileKeyVault;
let metadata: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'callsight-keys-rotation-'));
  vault = new FileKeyVault(join(dir, 'keys'));
  vault.ensureTenant(TENANT);
  vault.ensureTenant('t2');
  server = new FileKeyVault(join(dir, 'keys'));
  metadata = new Database(join(dir, 'callsight.db'));
  metadata.exec(`
    CREATE TABLE provider_accounts (provider TEXT, account_id TEXT, tenant_id TEXT, sealed_secret BLOB NOT NULL, PRIMARY KEY (provider, account_id));
    CREATE TABLE crm_connections (tenant_id TEXT, crm TEXT, sealed_secret BLOB NOT NULL, PRIMARY KEY (tenant_id, crm));
    CREATE TABLE analysis_settings (tenant_id TEXT PRIMARY KEY, sealed_api_key BLOB);`);
});

afterEach(() => {
  vault.close();
  server.close();
  metadata.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Recording {
  readonly location: AudioLocation;
  readonly plain: Buffer;
  readonly tier: 'hot' | 'archive';
}

/** A few hundred real encrypted recordings of small generated audio, a tenth of them in the archive tier. */
async function writeRecordings(store: { hot: EncryptedFsAudioStore; archive: EncryptedFsAudioStore }, n: number, prefix = 'rec'): Promise<Recording[]> {
  const out: Recording[] = [];
  for (let i = 0; i < n; i++) {
    const plain = randomBytes(200 + ((i * 97) % 2500));
    const recordingId = `${prefix}_${String(i).padStart(4, '0')}`;
    const tier = i % 10 === 0 ? 'archive' : 'hot';
    const stored = await (tier === 'archive' ? store.archive : store.hot).write(TENANT, recordingId, plain);
    out.push({ location: { tenantId: TENANT, recordingId, keyId: stored.keyId, bytes: stored.bytes }, plain, tier });
  }
  return out;
}

function storesOver(keys: FileKeyVault) {
  return {
    hot: new EncryptedFsAudioStore(join(dir, 'audio'), keys, 1024),
    archive: new EncryptedFsAudioStore(join(dir, 'archive'), keys, 1024),
  };
}

async function play(store: { hot: EncryptedFsAudioStore; archive: EncryptedFsAudioStore }, r: Recording): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of (r.tier === 'archive' ? store.archive : store.hot).read(r.location)) parts.push(part);
  return Buffer.concat(parts);
}

async function expectAllPlay(keys: FileKeyVault, recordings: readonly Recording[]): Promise<void> {
  const store = storesOver(keys);
  for (const r of recordings) expect((await play(store, r)).equals(r.plain), r.location.recordingId).toBe(true);
}

/** A secret sealed the way the vault did before rotation existed: directly under the KEK derived from the master. */
function sealLegacy(masterHex: string, tenantId: string, purpose: string, plaintext: string): Buffer {
  const kek = Buffer.from(hkdfSync('sha256', Buffer.from(masterHex, 'hex'), Buffer.from(tenantId), Buffer.from('callsight:kek'), 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(`${tenantId}\0secret:${purpose}`));
  return Buffer.concat([nonce, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
}

/** Every wrapped key of the tenant that `kek` opens, trying the AAD of every format and generation. */
function keysOpenedBy(kek: Buffer): string[] {
  const db = new Database(join(dir, 'keys', 'data-keys.db'), { readonly: true });
  try {
    const opened: string[] = [];
    const rows = db.prepare('SELECT tenant_id, key_id, wrapped FROM data_keys').all() as { tenant_id: string; key_id: string; wrapped: Buffer }[];
    for (const row of rows) {
      for (const aad of [`${row.tenant_id}\0${row.key_id}`, ...[0, 1, 2, 3, 4].map((g) => `${row.tenant_id}\0${row.key_id}\0g${g}`)]) {
        try {
          const d = createDecipheriv('aes-256-gcm', kek, row.wrapped.subarray(0, 12));
          d.setAAD(Buffer.from(aad));
          d.setAuthTag(row.wrapped.subarray(row.wrapped.length - 16));
          Buffer.concat([d.update(row.wrapped.subarray(12, row.wrapped.length - 16)), d.final()]);
          opened.push(row.key_id);
        } catch {
          // not this key
        }
      }
    }
    return opened;
  } finally {
    db.close();
  }
}

const legacyKek = (masterHex: string, tenantId = TENANT) =>
  Buffer.from(hkdfSync('sha256', Buffer.from(masterHex, 'hex'), Buffer.from(tenantId), Buffer.from('callsight:kek'), 32));

const kekFiles = (tenantId = TENANT) => readdirSync(join(dir, 'keys', 'tenants')).filter((n) => n.startsWith(`${tenantId}.g`) && n.endsWith('.key'));

async function rotateToEnd(keys: ReturnType<typeof createKeysUseCases>, batchSize: number): Promise<RotationStep[]> {
  const steps: RotationStep[] = [];
  for (let i = 0; i < 10_000; i++) {
    const step = await keys.rotateTenantKey(cliActor(TENANT), { batchSize });
    steps.push(step);
    if (step.completed) return steps;
  }
  throw new Error('the rotation never completed');
}

describe('key rotation re-wraps every recording key under a new tenant key and destroys the old one', () => {
  it(`${RECORDINGS} recordings: interrupted by a failure midway, resumed, every recording plays, the old key opens nothing`, async () => {
    const recordings = await writeRecordings(storesOver(vault), RECORDINGS);
    const otherTenant = await new EncryptedFsAudioStore(join(dir, 'audio'), vault, 1024).write('t2', 'other_0001', Buffer.from('other tenant audio'));
    const masterCopy = join(dir, 'old-master.key');
    copyFileSync(join(dir, 'keys', 'tenants', `${TENANT}.key`), masterCopy);
    const masterHex = readFileSync(masterCopy, 'utf8').trim();
    const jwtBefore = Buffer.from(vault.deriveSecret(TENANT, 'jwt')).toString('hex');
    expect(keysOpenedBy(legacyKek(masterHex))).toHaveLength(RECORDINGS);

    // Provider secrets: two sealed before rotation existed (legacy format), one sealed now (sealing key).
    const insertAccount = metadata.prepare('INSERT INTO provider_accounts VALUES (?, ?, ?, ?)');
    insertAccount.run('twilio', 'AC1', TENANT, sealLegacy(masterHex, TENANT, 'twilio', 'twilio-token'));
    insertAccount.run('zendesk', 'acme', TENANT, vault.sealSecret(TENANT, 'zendesk', 'zendesk-shared-secret'));
    metadata.prepare('INSERT INTO crm_connections VALUES (?, ?, ?)').run(TENANT, 'zendesk', sealLegacy(masterHex, TENANT, 'zendesk-api-token', 'api-token'));
    metadata.prepare('INSERT INTO analysis_settings VALUES (?, ?)').run(TENANT, vault.sealSecret(TENANT, 'asr-api-key', 'sk-asr'));

    // Step 2 fails midway (a thrown error: disk full, a killed connection...).
    const spy = auditSpy();
    let calls = 0;
    const faulty: KeyRotation = {
      beginRotation: (t) => vault.beginRotation(t),
      rewrapBatch: async (t, n) => {
        if (++calls === 3) throw new Error('disk full');
        return vault.rewrapBatch(t, n);
      },
      resealSecret: (t, p, s) => vault.resealSecret(t, p, s),
      destroyRetired: (t) => vault.destroyRetired(t),
      keyStatus: (t) => vault.keyStatus(t),
    };
    const sealedSecrets = new SqlSealedSecrets(sqliteRunner(metadata));
    const failing = createKeysUseCases({ keyRotation: faulty, sealedSecrets, audit: spy.audit });
    await expect(rotateToEnd(failing, 40)).rejects.toThrow('disk full');
    const midway = await vault.keyStatus(TENANT);
    expect(midway).toMatchObject({ current: 1, retiring: [0], destroyed: [], remaining: RECORDINGS + 2 - 80 });
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([['allowed', 'rotation_started'], ['allowed', 'rotation_progress'], ['error', 'internal']]);
    expect(spy.events[0]).toMatchObject({ actor: 'cli', role: null, action: 'rotate_tenant_key', target: 'tenant-key:t1', details: { generation: 1, retiring: [0], rewrapped: 40, completed: false } });

    // Midway, the serving hub plays everything (keys under either generation) and new recordings get generation 1.
    await expectAllPlay(server, recordings);
    const written = await writeRecordings(storesOver(server), 5, 'new');
    const legacyTwilio = (metadata.prepare("SELECT sealed_secret AS s FROM provider_accounts WHERE provider = 'twilio'").get() as { s: Buffer }).s;
    expect(server.openSecret(TENANT, 'twilio', legacyTwilio)).toBe('twilio-token');
    const all = [...recordings, ...written];

    // Resume: a new run picks up where the failed one stopped and completes.
    const resumed = await rotateToEnd(createKeysUseCases({ keyRotation: vault, sealedSecrets, audit: spy.audit }), 40);
    expect(resumed[0]).toMatchObject({ started: false, generation: 1 });
    const last = resumed.at(-1)!;
    expect(last).toMatchObject({ completed: true, remaining: 0, destroyed: [0], resealed: 2, total: RECORDINGS + 5 + 4 }); // 4 sealing keys: twilio, zendesk, zendesk-api-token, asr-api-key
    expect(resumed.reduce((n, s) => n + s.rewrapped, 0)).toBe(RECORDINGS + 2 - 80);
    expect(spy.events.slice(3).map((e) => e.reason)).toEqual([...resumed.slice(0, -1).map(() => 'rotation_progress'), 'rotation_completed']);
    expect(spy.events.at(-1)).toMatchObject({ outcome: 'allowed', details: { destroyed: [0], remaining: 0, completed: true } });
    expect(await vault.keyStatus(TENANT)).toMatchObject({ current: 1, retiring: [], destroyed: [0], remaining: 0 });

    // Every recording plays, through a fresh connection and through the one that served during the rotation.
    const fresh = new FileKeyVault(join(dir, 'keys'));
    try {
      await expectAllPlay(fresh, all);
      await expectAllPlay(server, all);
      // Sealed secrets: all open, none is left in the legacy format, and the ones in the current format never changed.
      for (const r of await sealedSecrets.listSealed(TENANT)) {
        expect(await fresh.resealSecret(TENANT, r.purpose, r.sealed), r.ref).toBeNull();
      }
      const sealedNow = (sql: string) => (metadata.prepare(sql).get() as { s: Buffer }).s;
      expect(fresh.openSecret(TENANT, 'twilio', sealedNow("SELECT sealed_secret AS s FROM provider_accounts WHERE provider = 'twilio'"))).toBe('twilio-token');
      expect(fresh.openSecret(TENANT, 'zendesk-api-token', sealedNow('SELECT sealed_secret AS s FROM crm_connections'))).toBe('api-token');
      expect(fresh.openSecret(TENANT, 'asr-api-key', sealedNow('SELECT sealed_api_key AS s FROM analysis_settings'))).toBe('sk-asr');
      // Derived secrets (JWT, playback URLs, manifests, checkpoints) stay on the master secret: unchanged.
      expect(Buffer.from(fresh.deriveSecret(TENANT, 'jwt')).toString('hex')).toBe(jwtBefore);
    } finally {
      fresh.close();
    }

    // The old key material opens nothing: no wrapped key of this tenant, and the vault refuses the legacy format.
    expect(keysOpenedBy(legacyKek(masterHex))).toEqual([]);
    expect(() => vault.openSecret(TENANT, 'twilio', sealLegacy(masterHex, TENANT, 'twilio', 'x'))).toThrow(/destroyed tenant key generation/);
    // The other tenant was not rotated: its key still opens under its own generation 0.
    expect(keysOpenedBy(legacyKek(readFileSync(join(dir, 'keys', 'tenants', 't2.key'), 'utf8').trim(), 't2'))).toEqual([otherTenant.keyId]);

    // A second rotation retires generation 1: its key file is deleted and a copy of it opens nothing.
    const [gen1File] = kekFiles();
    expect(gen1File).toMatch(/^t1\.g1-[0-9a-f]{8}\.key$/);
    const gen1Kek = Buffer.from(readFileSync(join(dir, 'keys', 'tenants', gen1File!), 'utf8').trim(), 'hex');
    expect(keysOpenedBy(gen1Kek)).toHaveLength(RECORDINGS + 5 + 4);
    const second = await rotateToEnd(createKeysUseCases({ keyRotation: vault, sealedSecrets, audit: spy.audit }), 1000);
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ started: true, generation: 2, retiring: [1], destroyed: [1], resealed: 0, completed: true });
    expect(kekFiles()).toEqual([expect.stringMatching(/^t1\.g2-[0-9a-f]{8}\.key$/)]);
    expect(keysOpenedBy(gen1Kek)).toEqual([]);
    expect(keysOpenedBy(legacyKek(masterHex))).toEqual([]);
    await expectAllPlay(server, all);
  }, 120_000);

  it('concurrent plays and writes during every step of a rotation never fail', async () => {
    const recordings = await writeRecordings(storesOver(vault), 120);
    const use = createKeysUseCases({ keyRotation: vault, sealedSecrets: new SqlSealedSecrets(sqliteRunner(metadata)), audit: auditSpy().audit });
    const serving = storesOver(server);
    const extra: Recording[] = [];
    let done = false;
    let i = 0;
    while (!done) {
      const [step] = await Promise.all([
        use.rotateTenantKey(cliActor(TENANT), { batchSize: 7 }),
        (async () => {
          for (const r of recordings.slice((i * 13) % 100, ((i * 13) % 100) + 20)) expect((await play(serving, r)).equals(r.plain)).toBe(true);
          extra.push(...(await writeRecordings(serving, 1, `during${i}`)));
        })(),
      ]);
      done = step.completed;
      i++;
    }
    await expectAllPlay(server, [...recordings, ...extra]);
    expect(await vault.keyStatus(TENANT)).toMatchObject({ current: 1, retiring: [], remaining: 0, total: 120 + extra.length });
  }, 120_000);

  it('only trusted code rotates: every role is refused before the key store is touched', async () => {
    const spy = auditSpy();
    const use = createKeysUseCases({ keyRotation: vault, sealedSecrets: new SqlSealedSecrets(sqliteRunner(metadata)), audit: spy.audit });
    await expect(use.rotateTenantKey(principal('admin'), {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(use.rotateTenantKey(cliActor(TENANT), { batchSize: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(spy.events.map((e) => [e.outcome, e.reason])).toEqual([['denied', 'system_only'], ['error', 'validation_failed']]);
    expect(await vault.keyStatus(TENANT)).toMatchObject({ current: 0, retiring: [] });
  });

  it('a secret that cannot be opened keeps the old generation: the rotation stops with CONFLICT and nothing is lost', async () => {
    const recordings = await writeRecordings(storesOver(vault), 12);
    metadata.prepare('INSERT INTO provider_accounts VALUES (?, ?, ?, ?)').run('twilio', 'ACbad', TENANT, randomBytes(40));
    const use = createKeysUseCases({ keyRotation: vault, sealedSecrets: new SqlSealedSecrets(sqliteRunner(metadata)), audit: auditSpy().audit });
    await expect(use.rotateTenantKey(cliActor(TENANT), {})).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('provider_accounts/twilio/ACbad') });
    expect(await vault.keyStatus(TENANT)).toMatchObject({ current: 1, retiring: [0], remaining: 0 });
    await expectAllPlay(server, recordings);
    await expect(vault.destroyRetired(TENANT)).resolves.toEqual([0]);
  });

  it('the old generation is never destroyed while a key is still wrapped under it', async () => {
    await writeRecordings(storesOver(vault), 10);
    await vault.beginRotation(TENANT);
    await vault.rewrapBatch(TENANT, 4);
    await expect(vault.destroyRetired(TENANT)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await vault.keyStatus(TENANT)).toMatchObject({ retiring: [0], remaining: 6 });
  });

  it('backups stay consistent: the key half of a backup taken before or after a rotation restores into a working key store', async () => {
    const recordings = await writeRecordings(storesOver(vault), 30);
    const backupKeys = async (name: string) => {
      const to = join(dir, name);
      await snapshotSqlite(join(dir, 'keys', 'data-keys.db'), join(to, 'data-keys.db'));
      await copyTree(join(dir, 'keys', 'tenants'), join(to, 'tenants'));
      return to;
    };
    /** What restore does with the key half: every *.key file the live store lacks, and the database, minus shredded keys. */
    const restoreKeys = (from: string, into: string, shredded: string[] = []) => {
      mkdirSync(join(into, 'tenants'), { recursive: true });
      for (const name of readdirSync(join(from, 'tenants')).filter((n) => n.endsWith('.key'))) copyFileSync(join(from, 'tenants', name), join(into, 'tenants', name));
      copyFileSync(join(from, 'data-keys.db'), join(into, 'data-keys.db'));
      dropDataKeys(join(into, 'data-keys.db'), shredded.map((keyId) => ({ tenantId: TENANT, keyId })));
    };
    const before = await backupKeys('backup-before');
    const use = createKeysUseCases({ keyRotation: vault, sealedSecrets: new SqlSealedSecrets(sqliteRunner(metadata)), audit: auditSpy().audit });
    await rotateToEnd(use, 8);
    await rotateToEnd(use, 8);
    const after = await backupKeys('backup-after');
    expect(readdirSync(join(after, 'tenants')).filter((n) => n.startsWith(`${TENANT}.g`))).toEqual([expect.stringMatching(/^t1\.g2-/)]);

    for (const [name, from] of [['before', before], ['after', after]] as const) {
      const into = join(dir, `restored-${name}`);
      restoreKeys(from, into, [recordings[0]!.location.keyId]);
      const restored = new FileKeyVault(into);
      try {
        const stores = { hot: new EncryptedFsAudioStore(join(dir, 'audio'), restored, 1024), archive: new EncryptedFsAudioStore(join(dir, 'archive'), restored, 1024) };
        for (const r of recordings.slice(1)) expect((await play(stores, r)).equals(r.plain), `${name}: ${r.location.recordingId}`).toBe(true);
        await expect(play(stores, recordings[0]!)).rejects.toMatchObject({ code: 'RECORDING_GONE' });
        expect(await restored.keyStatus(TENANT)).toMatchObject(name === 'before' ? { current: 0, retiring: [] } : { current: 2, destroyed: [0, 1] });
        // A restored store rotates on: generation numbers and key files never collide with earlier ones.
        const next = await restored.beginRotation(TENANT);
        expect(next.current).toBe(name === 'before' ? 1 : 3);
        while ((await restored.rewrapBatch(TENANT, 100)).remaining > 0);
        await restored.destroyRetired(TENANT);
        for (const r of recordings.slice(1)) expect((await play(stores, r)).equals(r.plain)).toBe(true);
      } finally {
        restored.close();
      }
    }
  }, 120_000);
});
