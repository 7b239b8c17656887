import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../../app/shared/actor';
import { crmUseCasesOf } from '../../bin/wiring/zendesk.wiring';
import { registerZendeskApp } from '../../app/crm/zendesk-register-app';
import { zendeskPublicKeyChecker } from '../../bin/commands/zendesk.command';
import { zendeskAppSessionSchema } from '../../core/api/zendesk-app.api';
import { startTestHub, type TestHub } from '../support/hub';

const run = promisify(execFile);
const CLI = resolve(__dirname, '../../bin/callsight.mjs');
const SHARED_SECRET = 'cli-shared-secret-5d1f9a7c3e';
const API_TOKEN = 'zdCLItoken8c2e4a6b';

const INSTALLATION = '360000000042';

let hub: TestHub;
let appKey: KeyObject;

async function callsight(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATA_DIR: hub.dataDir, LOG_LEVEL: 'silent' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Opens the app as Zendesk does for user `sub` (signed URLs: a form POST with a ZAF JWT signed RS256 by the app's key). */
async function exchange(sub: string, role: string) {
  const nowS = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    iss: 'initech.zendesk.com',
    aud: `https://initech.zendesk.com/api/v2/apps/installations/${INSTALLATION}.json`,
    sub,
    role,
    jti: `jti-${sub}-${Math.random().toString(36).slice(2)}`,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + 300)
    .sign(appKey);
  const response = await fetch(`${hub.url}/zendesk/app`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
    body: new URLSearchParams({ token }).toString(),
  });
  const text = await response.text();
  const block = /<script type="application\/json" id="callsight-session">([^<]*)<\/script>/.exec(text);
  return { status: response.status, body: block ? zendeskAppSessionSchema.parse(JSON.parse(block[1]!)) : null };
}

beforeAll(async () => {
  hub = await startTestHub();
  writeFileSync(join(hub.dataDir, 'shared-secret.txt'), `${SHARED_SECRET}\n`);
  writeFileSync(join(hub.dataDir, 'api-token.txt'), `${API_TOKEN}\n`);
  // A Zendesk account row for the tenant, as earlier hubs stored it; the app registration below signs the requests.
  await hub.hub.ensureTenant({ id: 'initech', name: 'Initech', defaultRegion: 'CN', industry: 'general' });
  await hub.hub.accounts.save(
    { provider: 'zendesk', accountId: 'initech', tenantId: 'initech', sealedSecret: hub.hub.keys.sealSecret('initech', 'zendesk', SHARED_SECRET), settings: {} },
    new Date(),
  );
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  appKey = pair.privateKey;
  await registerZendeskApp.bind({
    calls: hub.hub.calls,
    accounts: hub.hub.accounts,
    keys: hub.hub.keys,
    publicKeys: zendeskPublicKeyChecker,
    clock: hub.hub.clock,
    audit: (entry) => hub.hub.audit(entry),
  })(cliActor('initech'), { subdomain: 'initech', installationId: INSTALLATION, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
}, 60_000);

afterAll(async () => {
  await hub?.close();
});

describe('callsight tenant zendesk-roles', () => {
  it('stores the mapping the session exchange then uses', async () => {
    expect((await exchange('1001', 'agent')).status).toBe(403);
    const mapped = await callsight(
      'tenant', 'zendesk-roles', 'initech',
      '--role', 'QA Team=qa',
      '--user', '1001=agent;agent=a-1',
      '--user', '1002=qa;teams=north,south;queues=vip',
    );
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(JSON.parse(mapped.stdout)).toEqual({
      roles: { 'qa team': 'qa' },
      users: { '1001': { role: 'agent', agentId: 'a-1' }, '1002': { role: 'qa', teams: ['north', 'south'], queues: ['vip'] } },
    });
    expect(await exchange('1001', 'agent')).toMatchObject({ status: 200, body: { principal: { role: 'agent', agentId: 'a-1' } } });
    expect(await exchange('1002', 'QA Team')).toMatchObject({ status: 200, body: { principal: { role: 'qa', teams: ['north', 'south'], queues: ['vip'] } } });

    const removed = await callsight('tenant', 'zendesk-roles', 'initech', '--remove-user', '1001');
    expect(removed.code).toBe(0);
    expect((await exchange('1001', 'agent')).status).toBe(403);
  }, 30_000);

  it('refuses a grant the hub could not honour, changing nothing', async () => {
    const crm = crmUseCasesOf(hub.hub);
    const operator = cliActor('initech');
    const before = await crm.getZendeskRoles(operator, { subdomain: 'initech' });
    await expect(crm.updateZendeskRoles(operator, { subdomain: 'initech', replace: { users: { '1003': { role: 'agent' } } } })).rejects.toThrow(/agentId/);
    await expect(crm.updateZendeskRoles(operator, { subdomain: 'initech', replace: { roles: { admin: 'root' } } })).rejects.toThrow(/roles\.admin/);
    expect(await crm.getZendeskRoles(operator, { subdomain: 'initech' })).toEqual(before);
    await expect(crm.getZendeskRoles(operator, { subdomain: 'nosuch' })).rejects.toThrow(/No Zendesk installation/);
    // Another tenant's operator cannot read or change this installation: it answers as a missing one.
    await expect(crm.getZendeskRoles(cliActor('other'), { subdomain: 'initech' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('callsight tenant zendesk-connect', () => {
  it('stores the connection with the API token sealed', async () => {
    const connected = await callsight(
      'tenant', 'zendesk-connect', 'initech',
      '--subdomain', 'initech', '--email', 'sync@initech.example', '--api-token-file', join(hub.dataDir, 'api-token.txt'),
      '--notes', 'on', '--note-locale', 'zh-CN', '--app-name', 'callsight-qa',
    );
    expect(connected.code, connected.stderr).toBe(0);
    const row = await hub.hub.storage.connections.get('initech', 'zendesk');
    expect(row).toMatchObject({
      accountId: 'initech',
      settings: { email: 'sync@initech.example', notes: { enabled: true, locale: 'zh-CN' }, appName: 'callsight-qa' },
    });
    expect(row!.settings).not.toHaveProperty('appLinkBase');
    expect(Buffer.from(row!.sealedSecret).includes(Buffer.from(API_TOKEN))).toBe(false);
    expect(hub.hub.keys.openSecret('initech', 'zendesk-api-token', row!.sealedSecret)).toBe(API_TOKEN);
    expect(`${connected.stdout}${connected.stderr}`).not.toContain(API_TOKEN);
  }, 60_000);

  it('refuses the retired --app-link-base flag, naming --app-name', async () => {
    const old = await callsight('tenant', 'zendesk-connect', 'initech', '--subdomain', 'initech', '--email', 'sync@initech.example',
      '--api-token-file', join(hub.dataDir, 'api-token.txt'), '--app-link-base', 'https://callsight.initech.example/calls');
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/--app-name/);
  }, 30_000);

  it.each([
    [{ appLinkBase: 'http://callsight.initech.example/calls' }, /https/],
    [{ appLinkBase: 'https://callsight.initech.example/api/v1/playback' }, /not an audio file or playback URL/],
    [{ baseUrl: 'http://proxy.initech.example' }, /baseUrl must use https/],
    [{ email: 'not-an-email' }, /auth\.email/],
    [{ tenantId: 'nosuch' }, /No tenant/],
  ])('refuses the connection %j, keeping the stored one', async (override, message) => {
    const connections = hub.hub.storage.connections;
    const before = await connections.get('initech', 'zendesk');
    const { tenantId, ...input } = {
      tenantId: 'initech',
      subdomain: 'initech',
      email: 'sync@initech.example',
      apiToken: API_TOKEN,
      notes: { enabled: false },
      appLinkBase: 'https://callsight.initech.example/calls',
      ...override,
    };
    await expect(crmUseCasesOf(hub.hub).connectZendesk(cliActor(tenantId), input)).rejects.toThrow(message);
    expect(await connections.get('initech', 'zendesk')).toEqual(before);
  });
});
