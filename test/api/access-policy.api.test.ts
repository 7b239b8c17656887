import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { synthesizeCallWav } from '../support/audio-fixtures';
import { ACTIONS, POLICY, ROLES, type Action, type Principal, type Role } from '../../core/access/access.policy';
import { SqliteExports } from '../../adapters/storage/sqlite';

/**
 * The access policy through the real HTTP API: every role x action x (own / other agent, own / other team,
 * own / other tenant), each outcome compared with POLICY, and each request leaving exactly one audit event.
 */

const OWN = 'acme';
const OTHER = 'globex';

interface Situation {
  readonly ownAgent: boolean;
  readonly ownTeam: boolean;
  readonly ownTenant: boolean;
}
const situations: Situation[] = [];
for (const ownAgent of [true, false]) for (const ownTeam of [true, false]) for (const ownTenant of [true, false]) situations.push({ ownAgent, ownTeam, ownTenant });
const label = (s: Situation) => `${s.ownAgent ? 'own' : 'other'} agent, ${s.ownTeam ? 'own' : 'other'} team, ${s.ownTenant ? 'own' : 'other'} tenant`;
const key = (s: Situation) => `${s.ownAgent}/${s.ownTeam}/${s.ownTenant}`;

const principals: Record<Role, Principal> = {
  admin: { tenantId: OWN, userId: 'u-admin', role: 'admin', teams: [], queues: [] },
  manager: { tenantId: OWN, userId: 'u-manager', role: 'manager', teams: ['team-a'], queues: [] },
  qa: { tenantId: OWN, userId: 'u-qa', role: 'qa', teams: ['team-a'], queues: [] },
  agent: { tenantId: OWN, userId: 'u-agent', role: 'agent', agentId: 'ag-1', teams: ['team-a'], queues: [] },
  auditor: { tenantId: OWN, userId: 'u-auditor', role: 'auditor', teams: [], queues: [] },
};

/** What the table says, restated: `own` is the call's agent, `team`/`scope` its team, exports use "own agent" for "requested by the principal". */
function expectedAllowed(role: Role, action: Action, s: Situation): boolean {
  if (!s.ownTenant) return false;
  switch (POLICY[action][role]) {
    case 'all':
      return true;
    case 'own':
    case 'requester':
      return s.ownAgent;
    case 'not_requester':
      return !s.ownAgent;
    case 'team':
    case 'scope':
      return s.ownTeam;
    default:
      return false;
  }
}

let hub: TestHub;
let exportsStore: SqliteExports;
const tokens = new Map<Role, string>();
/** The call of each situation. */
const callOf = new Map<string, string>();
let fixtureCounter = 0;

/** Ingests a call whose facts match the situation: ag-1 is the principal's agent, team-a the principal's team. */
async function makeCall(s: Situation): Promise<string> {
  const tenantId = s.ownTenant ? OWN : OTHER;
  const agentId = s.ownAgent ? 'ag-1' : s.ownTeam ? 'ag-2' : 'ag-3';
  const team = s.ownTeam ? 'team-a' : 'team-b';
  // The call keeps the team its agent had when it was stored: own agent, other team is a call from before a move.
  await hub.hub.calls.upsertAgent({ tenantId, id: agentId, name: agentId, team, seniority: 'senior', hiredAt: '2024-01-01' });
  const providerCallId = `${tenantId}-${key(s)}-${++fixtureCounter}`;
  const metadata = { providerCallId, direction: 'inbound', startedAt: '2026-10-01T08:00:00Z', agentId, queue: 'q-general', customerPhone: '+8613812345678' };
  const { call } = await hub.hub.ingest(tenantId, metadata, synthesizeCallWav({ durationS: 6, seed: providerCallId }));
  await hub.hub.calls.upsertAgent({ tenantId, id: 'ag-1', name: 'ag-1', team: 'team-a', seniority: 'senior', hiredAt: '2024-01-01' });
  hub.hub.transcripts.saveTranscript(tenantId, call.id, { language: 'zh', segments: [{ speaker: 'agent', startS: 0, endS: 2, text: '您好，请问有什么可以帮您？' }] }, 'test', new Date());
  // An earlier access, so that the audit log of each tenant holds events about each call.
  await hub.hub.audit({ tenantId, actor: 'u-setup', role: 'admin', action: 'view', target: `call:${call.id}`, outcome: 'allowed' });
  return call.id;
}

/** An export made directly in the store, as if requested (and approved) earlier. */
function exportFixture(s: Situation, requestedBy: string, approved: boolean): string {
  const tenantId = s.ownTenant ? OWN : OTHER;
  const id = `exp_fixture_${++fixtureCounter}`;
  exportsStore.create({ tenantId, id, requestedBy, reason: 'fixture', filter: null, callIds: [callOf.get(key(s))!], audioBytes: 0, createdAt: new Date().toISOString() });
  if (approved) exportsStore.decide(tenantId, id, { status: 'approved', by: 'u-approver', at: new Date().toISOString(), note: null, expiresAt: new Date(Date.now() + 3600_000).toISOString() });
  return id;
}

async function call(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? ((await response.json()) as any) : await response.arrayBuffer();
  return { status: response.status, body: payload };
}

interface ProbeResult {
  readonly status: number;
  /** Whether the principal reached the situation's object (call, export, settings or audit of that tenant). */
  readonly reached: boolean;
}

type Probe = (role: Role, s: Situation) => Promise<ProbeResult>;

const ok = (status: number) => status >= 200 && status < 300;

const probes: Record<Exclude<Action, 'delete'>, Probe> = {
  async list(role, s) {
    const r = await call('GET', '/api/v1/calls?limit=200', tokens.get(role)!);
    return { status: r.status, reached: ok(r.status) && r.body.items.some((c: any) => c.id === callOf.get(key(s))) };
  },
  async view(role, s) {
    const r = await call('GET', `/api/v1/calls/${callOf.get(key(s))}`, tokens.get(role)!);
    return { status: r.status, reached: ok(r.status) };
  },
  async play(role, s) {
    const r = await call('GET', `/api/v1/calls/${callOf.get(key(s))}/audio`, tokens.get(role)!);
    return { status: r.status, reached: ok(r.status) && (r.body as ArrayBuffer).byteLength > 0 };
  },
  async view_transcript(role, s) {
    const r = await call('GET', `/api/v1/calls/${callOf.get(key(s))}/transcript`, tokens.get(role)!);
    return { status: r.status, reached: ok(r.status) && r.body.segments.length === 1 };
  },
  async download(role, s) {
    const id = exportFixture(s, s.ownAgent ? principals[role].userId : 'u-other-admin', true);
    const r = await call('GET', `/api/v1/exports/${id}/download`, tokens.get(role)!);
    return { status: r.status, reached: ok(r.status) && (r.body as ArrayBuffer).byteLength > 0 };
  },
  async request_export(role, s) {
    const r = await call('POST', '/api/v1/exports', tokens.get(role)!, { callIds: [callOf.get(key(s))], reason: 'policy grid test' });
    return { status: r.status, reached: r.status === 201 && r.body.callIds[0] === callOf.get(key(s)) };
  },
  async approve_export(role, s) {
    const id = exportFixture(s, s.ownAgent ? principals[role].userId : 'u-other-admin', false);
    const r = await call('POST', `/api/v1/exports/${id}/approve`, tokens.get(role)!);
    return { status: r.status, reached: ok(r.status) && exportsStore.get(s.ownTenant ? OWN : OTHER, id)?.status === 'approved' };
  },
  async change_settings(role, s) {
    // Tenant-wide: the object is the settings of the situation's tenant; the token decides which tenant is written.
    const tenant = s.ownTenant ? OWN : OTHER;
    const maxCalls = 100 + ++fixtureCounter;
    const r = await call('PUT', '/api/v1/settings/exports', tokens.get(role)!, { maxCalls });
    const stored = sqliteOf(hub.hub).prepare('SELECT value_json FROM tenant_settings WHERE tenant_id = ? AND key = ?').get(tenant, 'exports') as { value_json: string } | undefined;
    return { status: r.status, reached: stored !== undefined && JSON.parse(stored.value_json).maxCalls === maxCalls };
  },
  async view_audit(role, s) {
    const tenant = s.ownTenant ? OWN : OTHER;
    const r = await call('GET', `/api/v1/audit?target=call:${callOf.get(key(s))}`, tokens.get(role)!);
    return { status: r.status, reached: ok(r.status) && r.body.items.some((e: any) => e.tenantId === tenant) };
  },
};

const CALL_READS: Action[] = ['view', 'play', 'view_transcript'];

/**
 * The status a request must get. A call or export outside the reader's reach answers 404 as if absent (other
 * tenant, other agent or team); a role the table never allows answers 403. Tenant-wide actions (settings,
 * audit) act on the token's own tenant, so for them "other tenant" means the other tenant is never touched.
 * undefined: either 403 or 404 is acceptable (see the assertion that follows).
 */
function expectedStatus(role: Role, action: Action, s: Situation, allowed: boolean): number | undefined {
  const never = POLICY[action][role] === 'none';
  if (allowed) return action === 'request_export' ? 201 : 200;
  switch (action) {
    case 'list':
      return never ? 403 : 200;
    case 'change_settings':
    case 'view_audit':
      return never ? 403 : 200;
    case 'request_export':
      return never ? 403 : 404;
    case 'download':
    case 'approve_export':
      // A role the table never allows is refused by the use-case's role check before any export is looked up.
      return never ? 403 : s.ownTenant ? 403 : 404;
    default:
      // Call reads: out of reach is 404. The call routes look a call up through the reader's scope, and a role
      // with no scope at all (auditor) finds nothing there either, so it gets 404 rather than the table's 403.
      return never ? undefined : 404;
  }
}

beforeAll(async () => {
  hub = await startTestHub({ config: { rateLimitPerMinute: 100_000 } });
  exportsStore = new SqliteExports(sqliteOf(hub.hub));
  for (const tenantId of [OWN, OTHER]) await hub.hub.ensureTenant({ id: tenantId, name: tenantId, defaultRegion: 'CN', industry: 'general' });
  for (const s of situations) callOf.set(key(s), await makeCall(s));
  for (const role of ROLES) {
    const p = principals[role];
    tokens.set(role, await hub.token(role, { tenant: OWN, user: p.userId, ...(p.agentId ? { agentId: p.agentId } : {}), teams: [...p.teams] }));
  }
});
afterAll(async () => hub.close());

describe('access policy through the HTTP API', () => {
  const actions = ACTIONS.filter((a): a is Exclude<Action, 'delete'> => a !== 'delete');
  const cases = ROLES.flatMap((role) => actions.flatMap((action) => situations.map((s) => [role, action, label(s), s] as const)));

  it('walks every role x action x situation (delete: below, through the retention API)', () => {
    expect(cases).toHaveLength(ROLES.length * (ACTIONS.length - 1) * situations.length);
  });

  it.each(cases)('%s %s (%s) follows the table and leaves exactly one audit event', async (role, action, _label, s) => {
    const before = { own: (await hub.hub.auditLog.head(OWN))!.seq, other: (await hub.hub.auditLog.head(OTHER))!.seq };
    const result = await probes[action](role, s);
    const allowed = expectedAllowed(role, action, s);
    expect(result.reached).toBe(allowed);

    expect(result.status).toBe(expectedStatus(role, action, s, allowed) ?? result.status);
    if (!allowed && CALL_READS.includes(action)) expect([403, 404]).toContain(result.status);

    const events = await hub.hub.auditLog.query(OWN, { afterSeq: before.own, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: principals[role].userId, role, action, outcome: ok(result.status) ? 'allowed' : 'denied' });
    expect((await hub.hub.auditLog.head(OTHER))!.seq).toBe(before.other);
  });

  it('delete (DELETE /api/v1/calls/:id, owned by retention, issue 4) follows the table for every role and situation, one audit event each', async () => {
    for (const role of ROLES) {
      for (const s of situations) {
        const id = await makeCall(s);
        const before = (await hub.hub.auditLog.head(OWN))!.seq;
        const r = await call('DELETE', `/api/v1/calls/${id}`, tokens.get(role)!);
        expect(ok(r.status), `${role} delete (${label(s)})`).toBe(expectedAllowed(role, 'delete', s));
        const events = (await hub.hub.auditLog.query(OWN, { afterSeq: before, limit: 10 })).filter((e) => e.actor === principals[role].userId);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ action: 'delete', outcome: ok(r.status) ? 'allowed' : 'denied' });
      }
    }
  });
});

describe('rejected bearer tokens: 401 and an audit event in the claimed tenant', () => {
  const claims = (over: Record<string, unknown> = {}) => ({ tenant: OWN, role: 'admin', ...over });
  const sign = (secret: Uint8Array, payload: Record<string, unknown>, options: { aud?: string; exp?: number } = {}) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('u-attacker')
      .setIssuer('callsight')
      .setAudience(options.aud ?? 'callsight')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(secret);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  const attacks: [string, () => Promise<string>, string][] = [
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), sub: 'u-attacker', aud: 'callsight', iss: 'callsight', exp: Math.floor(Date.now() / 1000) + 600 })}.`, 'token_algorithm'],
    ['HS256 with a wrong secret', () => sign(randomBytes(32), claims()), 'token_signature'],
    ['expired', () => sign(hub.hub.keys.deriveSecret(OWN, 'jwt'), claims(), { exp: Math.floor(Date.now() / 1000) - 60 }), 'token_expired'],
    ['wrong audience', () => sign(hub.hub.keys.deriveSecret(OWN, 'jwt'), claims(), { aud: 'another-app' }), 'token_audience'],
    ['a tenant claim that does not match the secret', () => sign(hub.hub.keys.deriveSecret(OTHER, 'jwt'), claims({ tenant: OWN })), 'token_signature'],
  ];

  it.each(attacks)('%s', async (_name, makeToken, reason) => {
    const token = await makeToken();
    const before = { own: (await hub.hub.auditLog.head(OWN))!.seq, other: (await hub.hub.auditLog.head(OTHER))!.seq };
    const r = await call('GET', '/api/v1/calls', token);
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
    const events = await hub.hub.auditLog.query(OWN, { afterSeq: before.own, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: null, role: null, outcome: 'denied', reason });
    expect((await hub.hub.auditLog.head(OTHER))!.seq).toBe(before.other);
  });
});

describe('playback URLs', () => {
  const agentCall = () => callOf.get(key({ ownAgent: true, ownTeam: true, ownTenant: true }))!;
  const otherCall = () => callOf.get(key({ ownAgent: false, ownTeam: true, ownTenant: true }))!;
  const fetchPlayback = (url: string) => fetch(url).then(async (r) => ({ status: r.status, bytes: r.status === 200 ? new Uint8Array(await r.arrayBuffer()) : null }));
  const urlFor = (token: string) => `${hub.url}/api/v1/playback/${token}`;
  /**
   * A signed URL carries a JWT (~400 characters) as one path parameter; Fastify's router refuses parameters over
   * `maxParamLength` (default 100) with 414 before any handler runs, so the hub raises that limit.
   */
  let routable = false;
  beforeAll(async () => {
    const { token } = await hub.hub.playback.issue(principals.agent, agentCall(), new Date());
    routable = (await fetchPlayback(urlFor(token))).status !== 414;
  });

  it('routes a signed playback URL (a JWT longer than the router\'s default parameter limit)', () => {
    expect(routable).toBe(true);
  });

  it('plays without headers, audited as play under the user who asked for it', async (context) => {
    const issued = await call('POST', `/api/v1/calls/${agentCall()}/playback-url`, tokens.get('agent')!);
    expect(issued.status).toBe(200);
    const before = (await hub.hub.auditLog.head(OWN))!.seq;
    const played = await fetchPlayback(issued.body.url);
    expect(played.status).toBe(200);
    const direct = await call('GET', `/api/v1/calls/${agentCall()}/audio`, tokens.get('agent')!);
    expect(Buffer.from(played.bytes!).equals(Buffer.from(direct.body as ArrayBuffer))).toBe(true);
    expect((await hub.hub.auditLog.query(OWN, { afterSeq: before, limit: 1 }))[0]).toMatchObject({ actor: 'u-agent', role: 'agent', action: 'play', target: `call:${agentCall()}`, outcome: 'allowed' });
  });

  it('refuses an expired URL with 403', async (context) => {
    const { token } = await hub.hub.playback.issue(principals.agent, agentCall(), new Date(Date.now() - 10 * 60_000));
    expect((await fetchPlayback(urlFor(token))).status).toBe(403);
  });

  it('refuses a URL reused after it expired', async (context) => {
    const { token, expiresAt } = await hub.hub.playback.issue(principals.agent, agentCall(), new Date(Date.now() - 298_000));
    expect((await fetchPlayback(urlFor(token))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    expect((await fetchPlayback(urlFor(token))).status).toBe(403);
  });

  it('never opens another call: an edited call claim fails its signature, and a signed URL is re-checked against the scope', async (context) => {
    const { token } = await hub.hub.playback.issue(principals.agent, agentCall(), new Date());
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const edited = `${header}.${Buffer.from(JSON.stringify({ ...claims, call: otherCall() })).toString('base64url')}.${signature}`;
    expect((await fetchPlayback(urlFor(edited))).status).toBe(403);

    // Even a correctly signed URL for a call outside the user's reach (e.g. issued before a team change) finds nothing.
    const { token: stale } = await hub.hub.playback.issue(principals.agent, otherCall(), new Date());
    expect((await fetchPlayback(urlFor(stale))).status).toBe(404);
  });
});
