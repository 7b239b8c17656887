import fc from 'fast-check';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, openApiDocument, toOpenApiPath, type RouteDoc } from '../../adapters/http/openapi';
import { ROLES, type Role } from '../../core/access/access.policy';
import { synthesizeCallWav, synthesizeSilentMp3 } from '../support/audio-fixtures';
import { sqliteOf, startTestHub, type TestHub } from '../support/hub';
import { anyJson, arbitraryForSchema, oddStrings } from './fuzz.arbitraries';

/**
 * Property-based fuzzing of the whole REST API (issue 16 item 5, docs/decisions/api-fuzzing.md): FUZZ_RUNS
 * (default 10,000) generated requests over every operation of the OpenAPI document, sent with Fastify's inject.
 * Each must answer below 500; a rejected one (4xx) must leave every business table's row count unchanged and add
 * at most one audit event, never an `allowed` one. Seeded: FUZZ_SEED=<n> replays a run; a failure prints the
 * shrunk request. Every answer is also checked against the OpenAPI document (test/support/hub.ts).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
/** A request slower than this is reported (not failed: speed goals belong in bench/), so a stall can be found. */
const SLOW_MS = Number(process.env.FUZZ_SLOW_MS ?? 5_000);

interface FuzzRequest {
  readonly route: string;
  readonly method: string;
  readonly url: string;
  readonly auth: string;
  readonly headers: Record<string, string>;
  readonly body?: { kind: 'json'; value: unknown } | { kind: 'text'; contentType: string; text: string } | { kind: 'multipart'; parts: MultipartPart[] } | { kind: 'form'; pairs: [string, string][] };
}

interface MultipartPart {
  readonly name: string;
  readonly file?: 'wav' | 'mp3' | 'garbage' | 'empty';
  readonly value?: string;
}

const document = openApiDocument();
const operations = API_ROUTES;

/** Ids the fuzzer has seen: real calls, agents and whatever ids answers carried. */
const pool = { ids: new Set<string>(), playbackPaths: new Set<string>(), agents: [] as string[] };
const tokens = new Map<string, string>();

const WAV = Buffer.from(synthesizeCallWav({ durationS: 2, seed: 'fuzz' }));
const MP3 = Buffer.from(synthesizeSilentMp3(1));

function knownId(): fc.Arbitrary<string> {
  return fc.nat().map((n) => {
    const ids = [...pool.ids];
    return ids.length === 0 ? 'c_none' : (ids[n % ids.length] as string);
  });
}

function paramValue(name: string): fc.Arbitrary<string> {
  const odd = oddStrings.map((s) => encodeURIComponent(s) || '%20');
  switch (name) {
    case 'id':
      return fc.oneof({ arbitrary: knownId(), weight: 5 }, { arbitrary: odd, weight: 2 }, { arbitrary: fc.constantFrom('default', 'c_aaaaaaaaaaaaaaaaaaaa'), weight: 1 });
    case 'version':
      return fc.oneof(fc.integer({ min: -1, max: 4 }).map(String), odd);
    case 'period':
      return fc.oneof(fc.constantFrom('2026-10', '2026-11', '2026-12', '2025-01', '2026-13', '26-1'), odd);
    case 'key':
      return fc.oneof(fc.constantFrom('exports', 'audit-retention', 'analysis', 'nope', 'Exports'), odd);
    case 'provider':
      return fc.oneof(fc.constantFrom('twilio', 'connect', 'TWILIO'), odd);
    case 'token':
      return fc.oneof(
        fc.nat().map((n) => {
          const paths = [...pool.playbackPaths];
          return paths.length === 0 ? 'x' : (paths[n % paths.length] as string);
        }),
        fc.constantFrom('eyJhbGciOiJIUzI1NiJ9.e30.x', 'a.b.c', 'x'),
        odd,
      );
    case 'file':
      return fc.oneof(fc.constantFrom('index.js', 'demo.css', '..%2Fdemo.html', '.env', 'a-12345678.js'), odd);
    case 'path':
      return fc.oneof(fc.constantFrom('calls', 'calls/x/audio', 'session/zendesk', ''), odd);
    default:
      return odd;
  }
}

function pathArbitrary(route: RouteDoc): fc.Arbitrary<string> {
  const names = [...toOpenApiPath(route.path).matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return fc.constant(route.path);
  return fc.tuple(...names.map(paramValue)).map((values) => {
    let path = toOpenApiPath(route.path);
    names.forEach((name, i) => {
      path = path.replace(`{${name}}`, values[i] as string);
    });
    return path;
  });
}

function queryArbitrary(route: RouteDoc): fc.Arbitrary<string> {
  const operation = document.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()] as { parameters?: { name: string; in: string; schema: Record<string, unknown> }[] } | undefined;
  const params = (operation?.parameters ?? []).filter((p) => p.in === 'query');
  const entry = (p: { name: string; schema: Record<string, unknown> }) =>
    fc.tuple(fc.constant(p.name), fc.oneof({ arbitrary: arbitraryForSchema(document, p.schema, 1), weight: 4 }, { arbitrary: oddStrings, weight: 1 }));
  const extra = fc.tuple(fc.constantFrom('flag', 'unknown', 'limit', 'cursor', '__proto__', 'q'), oddStrings);
  const entries = params.length > 0 ? fc.oneof({ arbitrary: fc.oneof(...params.map(entry)), weight: 4 }, { arbitrary: extra, weight: 1 }) : extra;
  return fc.array(entries, { maxLength: params.length > 0 ? 4 : 1 }).map((pairs) => {
    const search = new URLSearchParams();
    for (const [name, value] of pairs) search.append(name, typeof value === 'string' ? value : JSON.stringify(value));
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  });
}

function bodyArbitrary(route: RouteDoc): fc.Arbitrary<FuzzRequest['body']> {
  const raw = fc.oneof(
    fc.constant(undefined),
    anyJson.map((value) => ({ kind: 'json' as const, value })),
    fc.constantFrom(
      { kind: 'text' as const, contentType: 'application/json', text: '{"unterminated": ' },
      { kind: 'text' as const, contentType: 'application/json', text: '' },
      { kind: 'text' as const, contentType: 'text/plain', text: 'hello' },
      { kind: 'text' as const, contentType: 'application/xml', text: '<a/>' },
      { kind: 'text' as const, contentType: 'application/json', text: '{"__proto__": {"admin": true}}' },
    ),
  );
  const body = route.body;
  if (body === undefined) return fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: raw, weight: 1 });
  if ('multipart' in body) {
    const metadata = arbitraryForSchema(document, schemaOfMultipartMetadata(route), 0).map((v) => JSON.stringify(v) ?? 'null');
    const part: fc.Arbitrary<MultipartPart> = fc.oneof(
      metadata.map((value) => ({ name: 'metadata', value })),
      fc.constantFrom<MultipartPart>({ name: 'audio', file: 'wav' }, { name: 'audio', file: 'mp3' }, { name: 'audio', file: 'garbage' }, { name: 'audio', file: 'empty' }, { name: 'other', file: 'wav' }, { name: 'metadata', value: '{' }),
    );
    const usual = fc.tuple(metadata, fc.constantFrom<MultipartPart['file']>('wav', 'mp3', 'garbage', 'empty')).map(([value, file]) => [
      { name: 'metadata', value },
      { name: 'audio', file },
    ]);
    return fc.oneof(
      { arbitrary: usual.map((parts) => ({ kind: 'multipart' as const, parts })), weight: 4 },
      { arbitrary: fc.array(part, { maxLength: 4 }).map((parts) => ({ kind: 'multipart' as const, parts })), weight: 2 },
      { arbitrary: raw, weight: 1 },
    );
  }
  if ('form' in body) {
    const pairs = fc.array(fc.tuple(fc.constantFrom('AccountSid', 'CallSid', 'RecordingSid', 'RecordingUrl', 'RecordingStatus', 'Other'), oddStrings), { maxLength: 6 });
    return fc.oneof({ arbitrary: pairs.map((p) => ({ kind: 'form' as const, pairs: p })), weight: 3 }, { arbitrary: raw, weight: 1 });
  }
  const schema = (document.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()] as { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } })
    ?.requestBody?.content['application/json']?.schema;
  const json = schema ? arbitraryForSchema(document, schema).map((value) => ({ kind: 'json' as const, value })) : raw;
  return fc.oneof({ arbitrary: json, weight: 5 }, { arbitrary: raw, weight: 1 });
}

function schemaOfMultipartMetadata(route: RouteDoc): Record<string, unknown> {
  const content = (document.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()] as { requestBody: { content: Record<string, { schema: { properties: { metadata: { contentSchema: Record<string, unknown> } } } }> } })
    .requestBody.content['multipart/form-data'];
  return content?.schema.properties.metadata.contentSchema ?? {};
}

const AUTH_KINDS = [...ROLES.map((r) => `role:${r}`), 'none', 'garbage', 'expired', 'other-tenant', 'empty-bearer', 'basic'] as const;

function requestArbitrary(route: RouteDoc): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: pathArbitrary(route),
      query: queryArbitrary(route),
      auth: fc.constantFrom(...AUTH_KINDS),
      body: bodyArbitrary(route),
      range: fc.option(fc.constantFrom('bytes=0-99', 'bytes=10-', 'bytes=-5', 'bytes=99999999-', 'bytes=5-1', 'lines=1-2', 'bytes=0-1,4-5'), { nil: undefined }),
      origin: fc.option(fc.constantFrom('https://x.apps.zdusercontent.com', 'https://evil.example', 'null'), { nil: undefined }),
    })
    .map(({ path, query, auth, body, range, origin }) => ({
      route: `${route.method} ${route.path}`,
      method: route.method,
      url: `${path}${query}`,
      auth,
      headers: { ...(range ? { range } : {}), ...(origin ? { origin } : {}) },
      ...(body ? { body } : {}),
    }));
}

const requests: fc.Arbitrary<FuzzRequest> = fc.oneof(...operations.map(requestArbitrary));

function authorization(kind: string): string | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'garbage') return 'Bearer not-a-token';
  if (kind === 'empty-bearer') return 'Bearer ';
  if (kind === 'basic') return 'Basic dXNlcjpwYXNz';
  const token = tokens.get(kind);
  if (!token) throw new Error(`no token for ${kind}`);
  return `Bearer ${token}`;
}

function encode(request: FuzzRequest): { headers: Record<string, string>; payload?: string | Buffer } {
  const headers: Record<string, string> = { ...request.headers };
  const auth = authorization(request.auth);
  if (auth) headers.authorization = auth;
  const body = request.body;
  if (!body) return { headers };
  if (body.kind === 'json') return { headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body.value) ?? 'null' };
  if (body.kind === 'text') return { headers: { ...headers, 'content-type': body.contentType }, payload: body.text };
  if (body.kind === 'form') return { headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(body.pairs).toString() };
  const boundary = 'fuzzboundary7MA4YWxkTrZu0gW';
  const chunks: Buffer[] = [];
  for (const part of body.parts) {
    const bytes = part.file === 'wav' ? WAV : part.file === 'mp3' ? MP3 : part.file === 'garbage' ? Buffer.from('RIFF....WAVEjunk') : part.file === 'empty' ? Buffer.alloc(0) : null;
    const disposition = bytes ? `form-data; name="${part.name}"; filename="a.${part.file === 'mp3' ? 'mp3' : 'wav'}"` : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${bytes ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`));
    chunks.push(bytes ?? Buffer.from(part.value ?? ''));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: Buffer.concat(chunks) };
}

/**
 * Row counts of every table but the audit trail's, keyed by table, read in one statement. Tables are listed
 * again on each call, so a table a migration adds mid-run is counted too.
 */
function businessCounts(db: Database.Database): Map<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'audit_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const sql = tables.map((t) => `SELECT '${t.replace(/'/g, "''")}' AS name, count(*) AS n FROM "${t.replace(/"/g, '""')}"`).join(' UNION ALL ');
  return new Map((db.prepare(sql).all() as { name: string; n: number }[]).map((r) => [r.name, r.n]));
}

function harvest(body: string): void {
  for (const match of body.matchAll(/"(?:id|callId|evaluationId|taskId|disputeId)":"([A-Za-z0-9_-]{1,128})"/g)) if (pool.ids.size < 5000) pool.ids.add(match[1] as string);
  const playback = /\/api\/v1\/playback\/([^"?]+)/.exec(body);
  if (playback) pool.playbackPaths.add(playback[1] as string);
}

/**
 * The demo page answers 503 WIDGETS_NOT_BUILT when `npm run build:widgets` has not run: a fact about the
 * installation, the same for every request, not a failure a request provokes; any other 5xx fails the suite.
 */
function isMissingWidgetBuild(request: FuzzRequest, status: number, body: string): boolean {
  return status === 503 && request.route.startsWith('GET /demo') && body.includes('"WIDGETS_NOT_BUILT"');
}

describe('API fuzzing', () => {
  let hub: TestHub;
  let db: Database.Database;

  beforeAll(async () => {
    process.env.RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN = '1000000000';
    process.env.RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN = '1000000000';
    hub = await startTestHub({ demoCalls: 30, config: { rateLimitPerMinute: 1_000_000_000 } });
    db = sqliteOf(hub.hub);
    for (const id of db.prepare('SELECT id FROM calls LIMIT 200').pluck().all() as string[]) pool.ids.add(id);
    pool.agents.push(...(db.prepare('SELECT DISTINCT agent_id FROM calls WHERE agent_id IS NOT NULL').pluck().all() as string[]));
    const agent = pool.agents[0] ?? 'a-zhangwei';
    const scopes: Record<Role, { agentId?: string; teams?: string[] }> = {
      admin: {},
      manager: { teams: ['north'] },
      qa: { teams: ['south'] },
      agent: { agentId: agent },
      auditor: {},
    };
    for (const role of ROLES) tokens.set(`role:${role}`, await hub.token(role, scopes[role]));
    await hub.hub.ensureTenant({ id: 'fuzz-other', name: 'Other', defaultRegion: 'CN', industry: 'general' });
    tokens.set('other-tenant', await hub.token('admin', { tenant: 'fuzz-other' }));
    tokens.set('expired', await hub.token('admin', { ttlS: 1 }));
    // The default scorecard is provisioned on first use, by whichever request reads it first (app/quality
    // ensureDefaultScorecard): provision it now so that a refused first reader is not blamed for it.
    const warmUp = await hub.app.inject({ method: 'GET', url: '/api/v1/scorecards', headers: { authorization: `Bearer ${tokens.get('role:admin')}` } });
    expect(warmUp.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2100));
  }, 120_000);

  afterAll(async () => {
    await hub?.close();
  });

  it('an auditor gets 403, not 404, on every call route', async () => {
    const auditor = tokens.get('role:auditor') as string;
    const callId = [...pool.ids][0] as string;
    const routes = API_ROUTES.filter((r) => r.path.startsWith('/api/v1/calls/:id'));
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const route of routes) {
      for (const id of [callId, 'c_doesnotexist00000000']) {
        const response = await hub.app.inject({
          method: route.method,
          url: route.path.replace(':id', id),
          headers: { authorization: `Bearer ${auditor}`, ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
          ...(route.method === 'POST' ? { payload: '{}' } : {}),
        });
        expect(`${route.method} ${route.path} (${id === callId ? 'a real call' : 'an unknown id'}) -> ${response.statusCode}`).toBe(
          `${route.method} ${route.path} (${id === callId ? 'a real call' : 'an unknown id'}) -> 403`,
        );
        expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
      }
    }
  });

  it('an unknown filter value is 400 (flag=NOPE), a known one is 200', async () => {
    const admin = tokens.get('role:admin') as string;
    const unknown = await hub.app.inject({ method: 'GET', url: '/api/v1/calls?flag=NOPE', headers: { authorization: `Bearer ${admin}` } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(unknown.json().error.message).toMatch(/flag/);
    const known = await hub.app.inject({ method: 'GET', url: '/api/v1/calls?flag=SENSITIVE_WORD', headers: { authorization: `Bearer ${admin}` } });
    expect(known.statusCode).toBe(200);
  });

  it('refuses a recording webhook whose body is a JSON array instead of a form (found by the fuzzer: it was a 500)', async () => {
    for (const payload of ['[{}]', '[["AccountSid"]]', '[[1, 2]]', '[]']) {
      const response = await hub.app.inject({ method: 'POST', url: '/api/v1/webhooks/twilio/recording', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode, payload).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
    }
  });

  it(`answers ${RUNS} generated requests below 500, and a rejected one changes nothing`, async () => {
    process.stdout.write(`API fuzz: seed ${SEED}, ${RUNS} runs (replay with FUZZ_SEED=${SEED})\n`);
    const statuses = new Map<number, number>();
    const byRoute = new Map<string, number>();
    const lastAuditRow = db.prepare('SELECT coalesce(max(rowid), 0) FROM audit_events').pluck();
    const auditSince = db.prepare('SELECT outcome, action, reason FROM audit_events WHERE rowid > ? ORDER BY rowid');
    // Nothing but the request under test writes while the property runs (workers are off), so the counts after one
    // request are the counts before the next.
    let counts = businessCounts(db);

    let firstFailureShown = false;
    const property = fc.asyncProperty(requests, async (request) => {
      try {
        await check(request);
      } catch (error) {
        if (!firstFailureShown) {
          firstFailureShown = true;
          process.stderr.write(`API fuzz: first failure (shrinking follows): ${JSON.stringify(request)}\n  ${(error as Error).message}\n`);
        }
        throw error;
      }
    });
    const check = async (request: FuzzRequest) => {
      const { headers, payload } = encode(request);
      const before = counts;
      const auditBefore = lastAuditRow.get() as number;
      const startedMs = Date.now();
      const response = await hub.app.inject({ method: request.method as 'GET', url: request.url, headers, ...(payload !== undefined ? { payload } : {}) });
      const tookMs = Date.now() - startedMs;
      if (tookMs > SLOW_MS) process.stderr.write(`API fuzz: slow request (${tookMs} ms, ${response.statusCode}): ${JSON.stringify(request).slice(0, 2000)}\n`);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      byRoute.set(request.route, (byRoute.get(request.route) ?? 0) + 1);
      const after = businessCounts(db);
      counts = after;
      if (response.statusCode >= 500 && !isMissingWidgetBuild(request, response.statusCode, response.body)) throw new Error(`answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      if (response.statusCode >= 400) {
        const changed = [...after].filter(([table, n]) => before.get(table) !== n).map(([table, n]) => `${table} ${before.get(table)} -> ${n}`);
        if (changed.length > 0) throw new Error(`a rejected request (${response.statusCode}) changed rows: ${changed.join(', ')}`);
        const events = auditSince.all(auditBefore) as { outcome: string; action: string; reason: string | null }[];
        if (events.length > 1) throw new Error(`a rejected request wrote ${events.length} audit events: ${JSON.stringify(events)}`);
        const allowed = events.filter((e) => e.outcome === 'allowed');
        if (allowed.length > 0) throw new Error(`a rejected request (${response.statusCode}) was audited as allowed: ${JSON.stringify(allowed)}`);
      } else if (response.headers['content-type']?.toString().startsWith('application/json')) {
        harvest(response.body);
      }
    };

    try {
      // FUZZ_SHRINK=0 reports the first failing request as is (no shrinking), for a quick look on a loaded machine.
      await fc.assert(property, { seed: SEED, numRuns: RUNS, ...(process.env.FUZZ_SHRINK === '0' ? { endOnFailure: true } : {}) });
    } catch (error) {
      process.stderr.write(`API fuzz failed (seed ${SEED}); shrunk input and cause:\n${(error as Error).message}\n`);
      throw error;
    } finally {
      process.stdout.write(`API fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`);
    }
    expect(byRoute.size).toBe(operations.length);
    expect([...statuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
  }, 600_000);
});
