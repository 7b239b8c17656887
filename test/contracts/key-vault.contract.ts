import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubKeyStore } from '../../adapters/keys/key-store';

/** One key store under test: `open()` opens another instance on the same store (another "process"). */
export interface KeyStoreFixture {
  open(): Promise<HubKeyStore>;
  /** Opens the same store with a different master key; absent for stores without one (the file vault). */
  openWithWrongMasterKey?(): Promise<HubKeyStore>;
  close(): Promise<void>;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return 'resolved';
}

function syncCodeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return 'returned';
}

async function listed(store: HubKeyStore, tenantId: string, before: Date): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of store.listDataKeys(tenantId, before)) ids.push(entry.keyId);
  return ids.sort();
}

/**
 * What every key store of the hub guarantees (adapters/keys/key-store.ts): data keys, crypto-shredding, tenant
 * secrets, sealed provider secrets, KEK rotation and the data-key inventory, also across two instances on one store.
 */
export function describeKeyVaultContract(openFixture: () => Promise<KeyStoreFixture>): void {
  let fixture: KeyStoreFixture;
  let a: HubKeyStore;
  let b: HubKeyStore;
  const future = () => new Date(Date.now() + 60_000);

  beforeAll(async () => {
    fixture = await openFixture();
    a = await fixture.open();
    b = await fixture.open();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fixture?.close();
  });

  it('creates, reads and destroys a data key; a destroyed key is RECORDING_GONE and destroying is idempotent', async () => {
    a.ensureTenant('t-basic');
    const key = await a.createDataKey('t-basic', 'k_1');
    expect(key).toHaveLength(32);
    expect(Buffer.from(await a.getDataKey('t-basic', 'k_1')).equals(Buffer.from(key))).toBe(true);
    expect(await a.hasDataKey('t-basic', 'k_1')).toBe(true);
    await a.destroyDataKey('t-basic', 'k_1');
    expect(await a.hasDataKey('t-basic', 'k_1')).toBe(false);
    expect(await codeOf(a.getDataKey('t-basic', 'k_1'))).toBe('RECORDING_GONE');
    await a.destroyDataKey('t-basic', 'k_1');
    expect(await codeOf(a.getDataKey('t-basic', 'never'))).toBe('RECORDING_GONE');
  });

  it('refuses a data key for a tenant without keys and a second key under the same id', async () => {
    expect(await codeOf(a.createDataKey('t-nobody', 'k_1'))).toBe('NOT_FOUND');
    a.ensureTenant('t-dup');
    await a.createDataKey('t-dup', 'k_same');
    expect(await codeOf(a.createDataKey('t-dup', 'k_same'))).not.toBe('resolved');
    expect(syncCodeOf(() => a.ensureTenant('Bad Tenant!'))).toBe('VALIDATION_FAILED');
  });

  it('keeps tenants apart: one tenant cannot read another tenant key under the same id', async () => {
    a.ensureTenant('t-one');
    a.ensureTenant('t-two');
    await a.createDataKey('t-one', 'k_shared_id');
    expect(await codeOf(a.getDataKey('t-two', 'k_shared_id'))).toBe('RECORDING_GONE');
    expect(Buffer.from(a.deriveSecret('t-one', 'jwt')).equals(Buffer.from(a.deriveSecret('t-two', 'jwt')))).toBe(false);
  });

  it('two instances on one store see each other\'s tenants, keys and shreds', async () => {
    expect(b.hasTenant('t-shared')).toBe(false);
    a.ensureTenant('t-shared');
    // b was told "unknown" a moment ago; a tenant created meanwhile is found once the recheck interval has passed.
    await new Promise((r) => setTimeout(r, 1_100));
    expect(b.hasTenant('t-shared')).toBe(true);
    expect(Buffer.from(b.deriveSecret('t-shared', 'jwt')).equals(Buffer.from(a.deriveSecret('t-shared', 'jwt')))).toBe(true);
    b.ensureTenant('t-shared'); // idempotent: keeps a's secret
    expect(Buffer.from(b.deriveSecret('t-shared', 'playback-url')).equals(Buffer.from(a.deriveSecret('t-shared', 'playback-url')))).toBe(true);

    const key = await a.createDataKey('t-shared', 'k_a');
    expect(Buffer.from(await b.getDataKey('t-shared', 'k_a')).equals(Buffer.from(key))).toBe(true);
    await b.destroyDataKey('t-shared', 'k_a');
    expect(await codeOf(a.getDataKey('t-shared', 'k_a'))).toBe('RECORDING_GONE');

    a.ensureTenant('t-fresh');
    expect(b.hasTenant('t-fresh')).toBe(true); // never asked before: found at once
  });

  it('seals provider secrets that any instance opens, and refuses them for another purpose or tenant', async () => {
    a.ensureTenant('t-seal');
    a.ensureTenant('t-other');
    const sealed = a.sealSecret('t-seal', 'twilio', 'auth-token-1');
    expect(Buffer.from(sealed).toString('utf8')).not.toContain('auth-token-1');
    expect(b.openSecret('t-seal', 'twilio', sealed)).toBe('auth-token-1');
    const fromB = b.sealSecret('t-seal', 'twilio', 'auth-token-2');
    expect(a.openSecret('t-seal', 'twilio', fromB)).toBe('auth-token-2');
    expect(() => a.openSecret('t-seal', 'zendesk', sealed)).toThrow();
    expect(() => a.openSecret('t-other', 'twilio', sealed)).toThrow();
  });

  it('lists recording data keys older than the cut-off, never the sealing keys', async () => {
    a.ensureTenant('t-inventory');
    a.sealSecret('t-inventory', 'twilio', 'token');
    await a.createDataKey('t-inventory', 'k_old_1');
    await a.createDataKey('t-inventory', 'k_old_2');
    expect(await listed(b, 't-inventory', future())).toEqual(['k_old_1', 'k_old_2']);
    expect(await listed(b, 't-inventory', new Date(Date.now() - 60_000))).toEqual([]);
    await a.destroyDataKey('t-inventory', 'k_old_1');
    expect(await listed(b, 't-inventory', future())).toEqual(['k_old_2']);
    expect(await listed(b, 't-nobody', future())).toEqual([]);
  });

  it('rotates the tenant KEK: keys stay readable by every instance throughout, the old generation is destroyed at the end', async () => {
    a.ensureTenant('t-rotate');
    const sealed = a.sealSecret('t-rotate', 'zendesk-api-token', 'zd-token');
    const before: Record<string, Buffer> = {};
    for (let i = 0; i < 5; i++) before[`k_${i}`] = Buffer.from(await a.createDataKey('t-rotate', `k_${i}`));
    const jwt = Buffer.from(a.deriveSecret('t-rotate', 'jwt'));

    const started = await a.beginRotation('t-rotate');
    expect(started).toMatchObject({ started: true, current: 1, retiring: [0], remaining: 6, total: 6 });
    expect((await b.beginRotation('t-rotate')).started).toBe(false); // resumes, changes nothing
    before.k_new = Buffer.from(await b.createDataKey('t-rotate', 'k_new'));
    expect(await codeOf(a.destroyRetired('t-rotate'))).toBe('CONFLICT');

    expect(await a.rewrapBatch('t-rotate', 2)).toEqual({ rewrapped: 2, remaining: 4 });
    for (const [id, key] of Object.entries(before)) expect(Buffer.from(await b.getDataKey('t-rotate', id)).equals(key)).toBe(true);
    let remaining = 4;
    while (remaining > 0) remaining = (await b.rewrapBatch('t-rotate', 3)).remaining;
    expect(await a.destroyRetired('t-rotate')).toEqual([0]);
    expect(await a.destroyRetired('t-rotate')).toEqual([]);
    expect(await b.keyStatus('t-rotate')).toMatchObject({ current: 1, retiring: [], destroyed: [0], remaining: 0, total: 7 });

    for (const [id, key] of Object.entries(before)) {
      expect(Buffer.from(await a.getDataKey('t-rotate', id)).equals(key)).toBe(true);
      expect(Buffer.from(await b.getDataKey('t-rotate', id)).equals(key)).toBe(true);
    }
    expect(b.openSecret('t-rotate', 'zendesk-api-token', sealed)).toBe('zd-token');
    expect(await a.resealSecret('t-rotate', 'zendesk-api-token', sealed)).toBeNull();
    expect(Buffer.from(b.deriveSecret('t-rotate', 'jwt')).equals(jwt)).toBe(true);

    // A second rotation, begun by the other instance.
    expect(await b.beginRotation('t-rotate')).toMatchObject({ started: true, current: 2, retiring: [1] });
    while ((await a.rewrapBatch('t-rotate', 10)).remaining > 0);
    expect(await b.destroyRetired('t-rotate')).toEqual([1]);
    expect(Buffer.from(await a.getDataKey('t-rotate', 'k_3')).equals(before.k_3!)).toBe(true);
    expect(await codeOf(a.keyStatus('t-nobody'))).toBe('NOT_FOUND');
    expect(await codeOf(a.rewrapBatch('t-rotate', 0))).toBe('VALIDATION_FAILED');
  });

  it('a store opened with another master key fails at open, saying which setting is wrong', async (ctx) => {
    if (!fixture.openWithWrongMasterKey) return ctx.skip();
    let message = '';
    try {
      const wrong = await fixture.openWithWrongMasterKey();
      await wrong.close();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/MASTER_KEY_FILE or CALLSIGHT_MASTER_KEY/);
    expect(message).not.toMatch(/[0-9a-f]{32}/);
  });

  it('uses random tenant secrets: two stores never derive the same secret for the same tenant', async () => {
    const other = await openFixture();
    const c = await other.open();
    try {
      c.ensureTenant('t-basic');
      a.ensureTenant('t-basic');
      expect(Buffer.from(c.deriveSecret('t-basic', 'jwt')).equals(Buffer.from(a.deriveSecret('t-basic', 'jwt')))).toBe(false);
    } finally {
      await c.close();
      await other.close();
    }
  });
}
