/**
 * Salesforce identity on the hub (issue 14 item 2): `callsight tenant add --salesforce-org 00D... --cert-file F`
 * registers an org with its certificate; `POST /api/v1/salesforce/session` swaps an RS256 assertion signed with that
 * certificate's key (as the package's Apex signs it, core/api/salesforce-session.api.ts) for a hub session, and
 * refuses a wrong certificate, another org, an expired or too long-lived assertion, a replay, another audience and a
 * user without a Callsight permission set. Keys and self-signed certificates are made here with the openssl CLI.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesforceSessionResponseSchema } from '../../core/api/salesforce-session.api';
import { startTestHub, type TestHub } from '../support/hub';

const run = promisify(execFile);
const CLI = resolve(__dirname, '../../bin/callsight.mjs');
const ORG = '00D5g000004ABCDEAA';
const OTHER_ORG = '00D5g000009ZZZZEAA';
const USER = '0055g00000AbCdEAAV';
const AUDIENCE = 'https://callsight.acme.example';

let hub: TestHub;
let dir: string;
let orgKey: string;
let strangerKey: string;

function makeCertificate(name: string, days = 30): { keyFile: string; certFile: string } {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', String(days), '-subj', `/CN=${name}`], { stdio: 'ignore' });
  return { keyFile, certFile };
}

async function callsight(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, DATA_DIR: hub.dataDir, LOG_LEVEL: 'silent' } });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

interface Claims {
  iss?: string;
  sub?: string;
  aud?: string;
  expInS?: number;
  jti?: string;
  permission_sets?: string[];
  agent_id?: string;
}

async function assertion(claims: Claims = {}, keyPem = orgKey, alg = 'RS256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const body: Record<string, unknown> = {
    iss: claims.iss ?? ORG,
    sub: claims.sub ?? USER,
    aud: claims.aud ?? AUDIENCE,
    exp: now + (claims.expInS ?? 60),
    jti: claims.jti ?? randomUUID(),
    permission_sets: claims.permission_sets ?? ['Callsight_QA'],
    ...(claims.agent_id === undefined ? {} : { agent_id: claims.agent_id }),
  };
  return new SignJWT(body).setProtectedHeader({ alg }).sign(await importPKCS8(keyPem, alg));
}

async function exchange(body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${hub.url}/api/v1/salesforce/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callsight-sf-identity-'));
  hub = await startTestHub();
  const org = makeCertificate('acme-org');
  const stranger = makeCertificate('stranger');
  orgKey = readFileSync(org.keyFile, 'utf8');
  strangerKey = readFileSync(stranger.keyFile, 'utf8');
  const added = await callsight('tenant', 'add', 'acme', '--salesforce-org', ORG, '--cert-file', org.certFile, '--salesforce-audience', AUDIENCE);
  expect(added).toMatchObject({ code: 0, stderr: expect.stringMatching(/tenant acme ready, Salesforce org 00D5g000004ABCD/) });
}, 60_000);

afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('callsight tenant add --salesforce-org', () => {
  it('refuses a file that is not a certificate before creating anything, without echoing it', async () => {
    const keyAsCert = join(dir, 'not-a-cert.pem');
    writeFileSync(keyAsCert, orgKey);
    const refused = await callsight('tenant', 'add', 'initech', '--salesforce-org', OTHER_ORG, '--cert-file', keyAsCert);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/invalid Salesforce certificate: expected a PEM X\.509 certificate/);
    expect(refused.stderr).not.toContain('PRIVATE KEY');
    expect(await hub.hub.calls.getTenant('initech')).toBeNull();
    expect(await hub.hub.accounts.find('salesforce', OTHER_ORG.slice(0, 15))).toBeNull();
  });

  it('stores the public key and fingerprint of the certificate for the org, not the private key', async () => {
    const account = await hub.hub.accounts.find('salesforce', ORG.slice(0, 15));
    expect(account).toMatchObject({ tenantId: 'acme', settings: { orgId: ORG, audience: AUDIENCE, certificateSha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(String(account?.settings.publicKeyPem)).toContain('BEGIN PUBLIC KEY');
    expect(JSON.stringify(account?.settings)).not.toContain('PRIVATE');
  });
});

describe('POST /api/v1/salesforce/session', () => {
  it('answers a hub session with the highest role of the Callsight permission sets, which the API accepts', async () => {
    const answer = await exchange({ assertion: await assertion({ permission_sets: ['Callsight_Agent', 'Callsight_QA'] }) });
    expect(answer.status).toBe(200);
    expect(salesforceSessionResponseSchema.parse(answer.json)).toMatchObject({ role: 'qa', tenantId: 'acme' });
    expect(Date.parse(answer.json.expiresAt) - Date.now()).toBeGreaterThan(500_000);
    const calls = await fetch(`${hub.url}/api/v1/calls`, { headers: { Authorization: `Bearer ${answer.json.token}` } });
    expect(calls.status).toBe(200);

    const admin = await exchange({ assertion: await assertion({ permission_sets: ['Callsight_QA', 'Callsight_Admin', 'Callsight_Manager'] }) });
    expect(admin.json.role).toBe('admin');
  });

  it("maps the agent id claim onto the agent's session; an agent without one gets 403", async () => {
    const agent = await exchange({ assertion: await assertion({ permission_sets: ['Callsight_Agent'], agent_id: 'a-emma' }) });
    expect(agent).toMatchObject({ status: 200, json: { role: 'agent' } });
    const claims = JSON.parse(Buffer.from(String(agent.json.token).split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(JSON.stringify(claims)).toContain('a-emma');

    const withoutId = await exchange({ assertion: await assertion({ permission_sets: ['Callsight_Agent'] }) });
    expect(withoutId).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN', message: expect.stringMatching(/Callsight_Agent_Id__c/) } } });
  });

  it('refuses a user without a Callsight permission set with 403 saying whom to ask', async () => {
    const answer = await exchange({ assertion: await assertion({ permission_sets: [] }) });
    expect(answer).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN', message: expect.stringMatching(/no Callsight permission set/) } } });
  });

  it.each([
    ['another certificate', async () => assertion({}, strangerKey), /does not match the org's registered certificate/],
    ['an org not registered here', async () => assertion({ iss: OTHER_ORG }), /not registered on this hub/],
    ['an expired assertion', async () => assertion({ expInS: -120 }), /has expired/],
    ['an assertion valid for an hour', async () => assertion({ expInS: 3600 }), /valid for too long/],
    ['another audience', async () => assertion({ aud: 'https://evil.example' }), /names another hub/],
    ['a user id that is not one', async () => assertion({ sub: '001000000000001AAA' }), /lacks the org, user/],
    ['an unsigned token', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ORG })).toString('base64url')}.`, /RS256/],
  ])('refuses %s with 401 and a message saying what to fix, never the assertion', async (_label, make, message) => {
    const token = await make();
    const answer = await exchange({ assertion: token });
    expect(answer).toMatchObject({ status: 401, json: { error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(message) } } });
    expect(JSON.stringify(answer.json)).not.toContain(token.slice(0, 40));
  });

  it('refuses a replayed assertion: the second use gets 401', async () => {
    const token = await assertion({ jti: 'replay-me-0001' });
    expect((await exchange({ assertion: token })).status).toBe(200);
    const again = await exchange({ assertion: token });
    expect(again).toMatchObject({ status: 401, json: { error: { message: expect.stringMatching(/already used/) } } });
  });

  it('answers 400 for a body that is not {"assertion"}', async () => {
    expect((await exchange({ token: 'x' })).status).toBe(400);
  });
});
