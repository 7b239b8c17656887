/**
 * The QA review panel (issue 15 item 1) in real headless Chromium (Debian `chromium`, never a downloaded browser)
 * against a running hub seeded with the demo. The Zendesk ticket sidebar is opened as Zendesk opens it (signed URLs:
 * a fake agent page at https://acme.zendesk.com, answered by Playwright without network, POSTs a ZAF JWT signed RS256
 * with a key generated here into the app iframe on the hub and speaks the ZAF SDK's postMessage protocol, with the
 * ticket sidebar's context and requester); the Salesforce Case page through the hub's /demo/salesforce.
 * The acceptance: a QA reviewer scores a sampled call from the ticket sidebar, an automatic criterion's evidence
 * seeks the player, and the score then appears in the call search's score filters and in the KPIs. What the screen
 * should list is asked of the hub's own API with the same user's token, so the panel is checked against the hub.
 * Needs: apt-get install -y chromium fonts-wqy-microhei. Screenshots go to test-results/qa-review/.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { SignJWT } from 'jose';
import { startTestHub } from '../support/hub';
import { registerZendeskApp } from '../../app/crm/zendesk-register-app';
import { cliActor } from '../../app/shared/actor';
import { zendeskPublicKeyChecker } from '../../bin/commands/zendesk.command';
import { ensureWidgetsBuilt } from '../../manifests/zendesk/build';

interface CallSummary {
  readonly id: string;
  readonly agentId: string | null;
  readonly team: string | null;
  readonly customerPhone: string | null;
  readonly startedAt: string;
  readonly durationS: number;
}
interface PlanItem {
  readonly callId: string;
  readonly riskScore: number;
  readonly reviewerIds: string[];
  readonly blind: boolean;
}
interface Evaluation {
  readonly id: string;
  readonly reviewerId: string;
  readonly answers: Array<{ criterionId: string; value: string | number; comment?: string }>;
  readonly clips: Array<{ startS: number; endS: number; label: string; note: string }>;
  readonly score: { total: number | null; criteria: Array<{ criterionId: string; value: string | number }> };
}

type Locale = 'en' | 'zh-cn';

const artifacts = resolve(__dirname, '../../test-results/qa-review');
const widgetsDir = resolve(__dirname, '../../dist/widgets');
const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  // The fake Zendesk page counts as public and the hub is on loopback (see zendesk-widget.e2e.test.ts).
  '--disable-features=LocalNetworkAccessChecks',
];
const WIDTHS = [320, 1280] as const;
const LOCALES: readonly Locale[] = ['en', 'zh-cn'];
const ZENDESK_ORIGIN = 'https://acme.zendesk.com';
const INSTALLATION_ID = '360001234567';
const QA_USER = '2001';
const QA_ID = `zendesk:${QA_USER}`;
const IDLE_QA_USER = '2003';
const AGENT_USER = '2002';
const SECOND_REVIEWER = 'demo-qa';
const PERIOD = new Date().toISOString().slice(0, 7);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let zafKey: KeyObject;
let qaTeam: string;
let qaToken: string;
let adminToken: string;
let requester: { phone: string; calls: CallSummary[] };
let agentId: string;
/** The reviewer's assignments the hub lets them reach, as the panel must list them: unscored first, riskiest first. */
let expectedQueue: string[];

async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function seriousAxeViolations(target: Page | Frame): Promise<string[]> {
  await target.evaluate(axeSource);
  const results = await target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${JSON.stringify(violation.nodes.slice(0, 3).map((node) => node.target))}`);
}

/** A ZAF JWT as Zendesk signs it for the acme installation, opened in the ticket sidebar. */
async function zafToken(userId: string): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: 'acme.zendesk.com',
    aud: `https://acme.zendesk.com/api/v2/apps/installations/${INSTALLATION_ID}.json`,
    sub: userId,
    jti: `qa-e2e-${Math.random().toString(36).slice(2)}`,
    context: { product: 'support', location: 'ticket_sidebar' },
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + 300)
    .sign(zafKey);
}

/**
 * Zendesk's agent page with a ticket open: POSTs the signed page request into the app iframe and answers the ZAF
 * SDK (handshake with the ticket sidebar context, `get` of currentUser and ticket.requester, `invoke`).
 */
function fakeTicketPage(token: string, userId: string, zafLocale: string, phone: string): string {
  const action = `${hub.url}/zendesk/app?origin=${encodeURIComponent(ZENDESK_ORIGIN)}&app_guid=qa-e2e`;
  const data = {
    currentUser: { id: Number(userId), name: 'Reviewer Zhou', locale: zafLocale, role: 'agent' },
    'ticket.requester': { id: 501, name: '李雷 Li Lei', phone },
  };
  return `<!doctype html><html><head><meta charset="utf-8"><title>Ticket 42</title><style>html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%;display:block}</style></head>
<body><iframe name="app" title="Callsight"></iframe>
<form id="signed" method="post" target="app" action="${action}"><input type="hidden" name="token" value="${token}"></form>
<script>
const data = ${JSON.stringify(data)};
const hubOrigin = ${JSON.stringify(new URL(hub.url).origin)};
window.addEventListener('message', (event) => {
  if (event.origin !== hubOrigin) return;
  const message = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
  const reply = (payload) => event.source.postMessage(JSON.stringify(payload), hubOrigin);
  if (message.key === 'iframe.handshake') {
    reply({ key: 'zaf.app.registered', message: { metadata: { appId: 1, installationId: ${INSTALLATION_ID}, settings: {} }, context: { product: 'support', location: 'ticket_sidebar', ticketId: 42, account: { subdomain: 'acme' } } } });
  } else if (message.request === 'get') {
    const result = {};
    for (const path of message.params) result[path] = data[path];
    reply({ id: message.id, result });
  } else if (message.request === 'invoke') {
    reply({ id: message.id, result: {} });
  }
});
document.getElementById('signed').submit();
</script></body></html>`;
}

/** Opens the ticket sidebar at `width` as `userId` and returns the app frame once `waitFor` is on screen. */
async function openTicket(userId: string, locale: Locale, width: number, waitFor: string, context?: BrowserContext): Promise<{ page: Page; app: Frame; problems: string[] }> {
  const page = context === undefined ? await browser.newPage({ viewport: { width, height: 1000 } }) : await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const token = await zafToken(userId);
  await page.route(`${ZENDESK_ORIGIN}/agent/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: fakeTicketPage(token, userId, locale === 'zh-cn' ? 'zh-CN' : 'en-US', requester.phone) }),
  );
  await page.goto(`${ZENDESK_ORIGIN}/agent/tickets/42`);
  await page.frameLocator('iframe[name="app"]').locator(waitFor).first().waitFor({ timeout: 30_000 });
  const app = page.frames().find((candidate) => candidate.name() === 'app');
  if (app === undefined) throw new Error('the app iframe is missing');
  return { page, app, problems };
}

/** A full-length screenshot: the viewport grows to the app's content (the iframe is as tall as the viewport), then shrinks back. */
async function shot(page: Page, name: string, app?: Frame): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 1000 };
  const contentHeight = app === undefined ? viewport.height : await app.evaluate(() => document.documentElement.scrollHeight);
  if (contentHeight > viewport.height) await page.setViewportSize({ width: viewport.width, height: Math.min(contentHeight + 8, 6000) });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  if (contentHeight > viewport.height) await page.setViewportSize(viewport);
}

/** The reviewer's assignments they can reach, ordered as the panel orders them (unscored, then riskiest). */
async function reachableQueue(token: string, reviewerId: string): Promise<string[]> {
  const plan = await api<{ items: PlanItem[] }>('GET', `/api/v1/sampling/plans/${PERIOD}`, token);
  expect(plan.status).toBe(200);
  const rows: Array<{ id: string; risk: number; done: boolean; startedAt: string }> = [];
  for (const item of plan.body.items.filter((i) => i.reviewerIds.includes(reviewerId))) {
    const call = await api<CallSummary>('GET', `/api/v1/calls/${item.callId}`, token);
    if (call.status !== 200) continue;
    const evaluations = await api<{ items: Evaluation[] }>('GET', `/api/v1/calls/${item.callId}/evaluations`, token);
    rows.push({ id: item.callId, risk: item.riskScore, done: evaluations.body.items.some((e) => e.reviewerId === reviewerId), startedAt: call.body.startedAt });
  }
  rows.sort((a, b) => Number(a.done) - Number(b.done) || b.risk - a.risk || a.startedAt.localeCompare(b.startedAt));
  return rows.map((row) => row.id);
}

async function listedIds(app: Frame, testId: string): Promise<string[]> {
  return app.locator(`[data-testid="${testId}"] button.cs-qa-call`).evaluateAll((buttons) => buttons.map((b) => (b.getAttribute('data-testid') ?? '').replace(/^qa-(assignment|requester)-/, '')));
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // CALLSIGHT_WIDGETS_PREBUILT=1 runs against the build already in dist/widgets (while others edit widgets/ in the same checkout).
  await ensureWidgetsBuilt(widgetsDir, process.env.CALLSIGHT_WIDGETS_PREBUILT === '1' ? 'never' : 'auto');
  hub = await startTestHub({ demoCalls: 60 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  adminToken = await hub.token('admin');

  const calls = (await api<{ items: CallSummary[] }>('GET', `/api/v1/calls?from=${PERIOD}-01T00:00:00Z&limit=200`, adminToken)).body.items;
  const teams = new Map<string, number>();
  for (const call of calls) if (call.team !== null) teams.set(call.team, (teams.get(call.team) ?? 0) + 1);
  const busiest = [...teams.entries()].sort((a, b) => b[1] - a[1])[0];
  if (busiest === undefined) throw new Error(`The demo has no calls with a team in ${PERIOD}: seed demo data in startTestHub`);
  qaTeam = busiest[0];

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  zafKey = privateKey;
  await registerZendeskApp.bind({
    calls: hub.hub.calls,
    accounts: hub.hub.accounts,
    keys: hub.hub.keys,
    publicKeys: zendeskPublicKeyChecker,
    clock: hub.hub.clock,
    audit: (entry) => hub.hub.audit(entry),
  })(cliActor('demo'), { subdomain: 'acme', installationId: INSTALLATION_ID, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const firstAgent = calls.find((call) => call.team === qaTeam && call.agentId !== null)?.agentId;
  if (firstAgent === undefined || firstAgent === null) throw new Error('Demo data needs calls with an agent');
  agentId = firstAgent;
  const account = await hub.hub.accounts.find('zendesk', 'acme');
  await hub.hub.accounts.save(
    {
      ...account!,
      settings: {
        ...account!.settings,
        users: { [QA_USER]: { role: 'qa', teams: [qaTeam] }, [IDLE_QA_USER]: { role: 'qa', teams: [qaTeam] }, [AGENT_USER]: { role: 'agent', agentId } },
      },
    },
    new Date(),
  );

  // This month's plan with two reviewers, every sampled call scored twice (blindly): the acceptance's starting point.
  expect((await api('PUT', '/api/v1/sampling/reviewers', adminToken, { reviewers: [{ id: QA_ID }, { id: SECOND_REVIEWER }] })).status).toBe(200);
  const planned = await api<{ items: PlanItem[] }>('POST', '/api/v1/sampling/plans', adminToken, { period: PERIOD, seed: 'qa-e2e', doubleScoreShare: 1, replace: true });
  expect(planned.status).toBe(201);

  qaToken = await hub.hub.tokens.issue({ tenantId: 'demo', userId: QA_ID, role: 'qa', teams: [qaTeam], queues: [], ttlS: 3600 });
  expectedQueue = await reachableQueue(qaToken, QA_ID);
  if (expectedQueue.length < 2) throw new Error(`The plan of ${PERIOD} gives the reviewer ${expectedQueue.length} reachable calls; the test needs two`);

  // The requester: the demo customer of the reviewer's team with the most calls this reviewer may see.
  const customers = (await (await fetch(`${hub.url}/demo/customers`)).json()) as Array<{ phone: string }>;
  let best: { phone: string; calls: CallSummary[] } | null = null;
  for (const { phone } of customers) {
    const { body } = await api<{ items: CallSummary[] }>('GET', `/api/v1/calls?customerPhone=${encodeURIComponent(phone)}&limit=25`, qaToken);
    if (best === null || body.items.length > best.calls.length) best = { phone, calls: body.items };
  }
  if (best === null) throw new Error('The demo has no customers');
  requester = best;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('QA review panel in the Zendesk ticket sidebar', () => {
  for (const width of WIDTHS) {
    for (const locale of LOCALES) {
      it(`QA, ${locale}, ${width}px: lists this month's assignments (unscored, riskiest first) and the requester's calls as the hub does; passes axe`, async () => {
        const { page, app, problems } = await openTicket(QA_USER, locale, width, '[data-testid="qa-assignments"]');
        expect(await app.locator('.cs-heading').first().textContent()).toBe(locale === 'en' ? 'QA review' : '质检评审');
        expect(await listedIds(app, 'qa-assignments')).toEqual(await reachableQueue(qaToken, QA_ID));
        expect(await listedIds(app, 'qa-requester-calls')).toEqual(requester.calls.map((call) => call.id));
        expect(await app.locator('#cs-qa-mine').textContent()).toContain(PERIOD);
        expect(await seriousAxeViolations(app)).toEqual([]);
        await shot(page, `queue-${locale}-${width}`, app);
        expect(problems).toEqual([]);
        await page.close();
      }, 90_000);

      it(`QA, ${locale}, ${width}px: a call opens with player, findings, emotion, masked transcript and the scorecard; passes axe`, async () => {
        const { page, app, problems } = await openTicket(QA_USER, locale, width, '[data-testid="qa-assignments"]');
        const callId = expectedQueue[expectedQueue.length - 1]!;
        await app.locator(`[data-testid="qa-assignment-${callId}"]`).click();
        await app.locator('.cs-qa-scorecard').waitFor({ timeout: 20_000 });
        await app.waitForFunction(() => (document.querySelector('audio') as HTMLAudioElement | null)?.readyState! >= 1, undefined, { timeout: 20_000 });
        const analysis = await api<{ scripts: Array<{ id: string; required: boolean; found: boolean }>; sensitive: unknown[] }>('GET', `/api/v1/calls/${callId}/analysis`, qaToken);
        expect(analysis.status).toBe(200);
        const shownScripts = analysis.body.scripts.filter((s) => s.required || s.found);
        expect(await app.locator('[data-testid="qa-findings"] > li').count()).toBe(shownScripts.length + Math.max(1, analysis.body.sensitive.length) + 1);
        const transcript = await api<{ segments: Array<{ text: string }> }>('GET', `/api/v1/calls/${callId}/transcript`, qaToken);
        expect(await app.locator('.cs-qa-line').count()).toBe(transcript.body.segments.length);
        expect(await app.locator('.cs-qa-blind, .cs-qa-notice').first().textContent()).toContain(locale === 'en' ? 'Blind double scoring' : '盲评');
        expect(await app.locator('.cs-qa-result').count()).toBe(0);
        expect(await seriousAxeViolations(app)).toEqual([]);
        await shot(page, `review-${locale}-${width}`, app);
        expect(problems).toEqual([]);
        await page.close();
      }, 90_000);
    }
  }

  it('acceptance: a QA reviewer scores a sampled call; automatic evidence seeks the player; the draft survives a reload; the score reaches search filters and KPIs', async () => {
    const callId = expectedQueue[0]!;
    const kpisBefore = await api<{ rows: Array<{ averageScore: { mean: number | null; scored: number } }> }>('GET', `/api/v1/kpis?groupBy=team&from=${PERIOD}-01T00:00:00Z`, adminToken);
    expect(kpisBefore.status).toBe(200);
    const scoredBefore = kpisBefore.body.rows.reduce((sum, row) => sum + row.averageScore.scored, 0);

    // One browser profile for the whole scenario, so that the reload below finds what this one stored.
    const profile = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    let { page, app, problems } = await openTicket(QA_USER, 'en', 1280, '[data-testid="qa-assignments"]', profile);
    await app.locator(`[data-testid="qa-assignment-${callId}"]`).click();
    await app.locator('.cs-qa-scorecard').waitFor({ timeout: 20_000 });
    await app.waitForFunction(() => (document.querySelector('audio') as HTMLAudioElement | null)?.readyState! >= 1, undefined, { timeout: 20_000 });

    // An automatic criterion's evidence seeks the player to the moment the analysis found.
    const evidence = app.locator('[data-criterion] [data-evidence-start]').first();
    expect(await evidence.count()).toBe(1);
    const startS = Number(await evidence.getAttribute('data-evidence-start'));
    const evidenceCriterion = await evidence.evaluate((el) => el.closest('[data-criterion]')!.getAttribute('data-criterion'));
    await evidence.click();
    await app.waitForFunction((s) => {
      const audio = document.querySelector('audio') as HTMLAudioElement;
      return !audio.seeking && Math.abs(audio.currentTime - s) < 1.5;
    }, startS, { timeout: 15_000 });
    await app.waitForFunction(() => document.querySelector('.cs-qa-line--active') !== null, undefined, { timeout: 15_000 });
    await app.evaluate(() => (document.querySelector('audio') as HTMLAudioElement).pause());
    await shot(page, 'acceptance-evidence-seek', app);

    // Keyboard: J moves to the next transcript line and plays it; answer keys inside a criterion.
    const before = await app.evaluate(() => (document.querySelector('audio') as HTMLAudioElement).currentTime);
    await app.locator('.cs-qa-title').click();
    await page.keyboard.press('j');
    await app.waitForFunction((t) => (document.querySelector('audio') as HTMLAudioElement).currentTime > t + 0.2, before, { timeout: 15_000 });
    await app.evaluate(() => (document.querySelector('audio') as HTMLAudioElement).pause());

    const automaticShown = await app.locator('[data-criterion]').evaluateAll((rows) =>
      rows
        .filter((row) => row.querySelector('.cs-badge--auto') !== null)
        .map((row) => ({ id: row.getAttribute('data-criterion')!, value: (row.querySelector('input:checked') as HTMLInputElement | null)?.value ?? null })),
    );
    expect(automaticShown.length).toBeGreaterThan(0);
    const manualIds = await app.locator('[data-criterion]').evaluateAll((rows) => rows.filter((row) => row.querySelector('.cs-badge--auto') === null).map((row) => row.getAttribute('data-criterion')!));
    const given: Record<string, string> = {};
    for (const [index, id] of manualIds.entries()) {
      const row = app.locator(`[data-criterion="${id}"]`);
      await row.locator('input').first().focus();
      const points = (await row.locator('input[value="5"]').count()) > 0;
      const key = points ? (index % 2 === 0 ? '4' : '5') : 'y';
      await page.keyboard.press(key);
      given[id] = points ? key : 'pass';
      expect(await row.locator('input:checked').getAttribute('value')).toBe(given[id]);
    }
    await app.locator('[data-criterion] textarea').first().fill('Clear opening, e2e comment');

    // Two transcript lines as a bad-example clip, also saved to the training library (POST /api/v1/clips) once the
    // hub documents that route (until then a call to it would fail this suite's OpenAPI check, not the panel).
    const openapi = (await (await fetch(`${hub.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const libraryDocumented = openapi.paths['/api/v1/clips']?.post !== undefined;
    await app.locator('.cs-qa-line__check').nth(0).check();
    await app.locator('.cs-qa-line__check').nth(1).check();
    await app.locator('.cs-qa-clipbar input[type="text"]').fill('e2e clip');
    if (libraryDocumented) await app.locator('.cs-qa-check input').check();
    await app.locator('.cs-qa-clipbar button', { hasText: 'Add as bad example' }).click();
    expect(await app.locator('.cs-qa-clips li').count()).toBe(1);
    if (libraryDocumented) {
      await app.locator('[data-testid="qa-library-saves"] li[data-status="saved"]').waitFor({ timeout: 10_000 });
      const library = await api<{ items: Array<{ callId: string; label: string; note: string; createdBy: string }> }>('GET', `/api/v1/clips?callId=${callId}`, adminToken);
      expect(library.body.items).toEqual([expect.objectContaining({ callId, label: 'bad', note: 'e2e clip', createdBy: QA_ID })]);
    }

    // The draft survives a reload (a fresh page, the same user, call and scorecard version).
    await page.close();
    ({ page, app, problems } = await openTicket(QA_USER, 'en', 1280, '[data-testid="qa-assignments"]', profile));
    await app.locator(`[data-testid="qa-assignment-${callId}"]`).click();
    await app.locator('.cs-qa-scorecard').waitFor({ timeout: 20_000 });
    await app.locator('.cs-qa-scorecard .cs-qa-notice').waitFor({ timeout: 10_000 });
    for (const [id, value] of Object.entries(given)) expect(await app.locator(`[data-criterion="${id}"] input:checked`).getAttribute('value')).toBe(value);
    expect(await app.locator('.cs-qa-clips li').count()).toBe(1);
    expect(await app.locator('[data-criterion] textarea').first().inputValue()).toBe('Clear opening, e2e comment');
    await shot(page, 'acceptance-draft-restored', app);

    await app.locator('.cs-qa-submit').click();
    await app.locator('[data-testid="qa-submitted"]').waitFor({ timeout: 20_000 });
    await shot(page, 'acceptance-submitted', app);
    expect(problems).toEqual([]);
    expect(await app.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('callsight.qa-draft')))).toEqual([]);
    await page.close();
    await profile.close();

    // What the hub stored: the reviewer's answers, the hub's automatic answers equal to what the form showed, the clip.
    const stored = await api<{ items: Evaluation[]; callScore: number | null }>('GET', `/api/v1/calls/${callId}/evaluations`, adminToken);
    const mine = stored.body.items.find((e) => e.reviewerId === QA_ID);
    expect(mine).toBeDefined();
    for (const [id, value] of Object.entries(given)) expect(String(mine!.answers.find((a) => a.criterionId === id)?.value)).toBe(value);
    for (const shown of automaticShown) {
      if (shown.value === null) continue;
      expect(String(mine!.score.criteria.find((c) => c.criterionId === shown.id)?.value)).toBe(shown.value);
    }
    expect(automaticShown.map((a) => a.id)).toContain(evidenceCriterion);
    expect(mine!.clips).toEqual([expect.objectContaining({ label: 'bad', note: 'e2e clip' })]);
    const callScore = stored.body.callScore;
    expect(callScore).not.toBeNull();

    // The score in the search filters: inside a band around it the call is found, above it it is not.
    const inBand = await api<{ items: CallSummary[] }>('GET', `/api/v1/calls?scoreMin=${callScore! - 0.01}&scoreMax=${callScore! + 0.01}&limit=200`, adminToken);
    expect(inBand.body.items.map((c) => c.id)).toContain(callId);
    const above = await api<{ items: CallSummary[] }>('GET', `/api/v1/calls?scoreMin=${callScore! + 0.02}&limit=200`, adminToken);
    expect(above.body.items.map((c) => c.id)).not.toContain(callId);

    // And in the KPIs: one more scored call this month.
    const kpisAfter = await api<{ rows: Array<{ averageScore: { mean: number | null; scored: number } }> }>('GET', `/api/v1/kpis?groupBy=team&from=${PERIOD}-01T00:00:00Z`, adminToken);
    expect(kpisAfter.body.rows.reduce((sum, row) => sum + row.averageScore.scored, 0)).toBe(scoredBefore + 1);

    // The panel now lists the call as scored, after the unscored ones.
    const again = await openTicket(QA_USER, 'en', 1280, '[data-testid="qa-assignments"]');
    const listed = await listedIds(again.app, 'qa-assignments');
    expect(listed[listed.length - 1]).toBe(callId);
    expect(await again.app.locator(`[data-testid="qa-assignment-${callId}"] .cs-badge--done`).count()).toBe(1);
    await again.page.close();
  }, 180_000);

  it('blind double scoring: the second reviewer\'s score stays hidden until the reviewer submits, then both show', async () => {
    const callId = expectedQueue[1]!;
    const card = await api<{ sections: Array<{ criteria: Array<{ id: string; kind: string; scale: { kind: string; max?: number } }> }> }>('GET', '/api/v1/scorecards/default', adminToken);
    const answers = card.body.sections.flatMap((s) => s.criteria).filter((c) => c.kind === 'manual').map((c) => ({ criterionId: c.id, value: c.scale.kind === 'points' ? 3 : 'pass' }));
    const secondToken = await hub.hub.tokens.issue({ tenantId: 'demo', userId: SECOND_REVIEWER, role: 'qa', teams: [qaTeam], queues: [], ttlS: 600 });
    const other = await api<{ id: string }>('POST', `/api/v1/calls/${callId}/evaluations`, secondToken, { answers });
    expect(other.status).toBe(201);

    const { page, app, problems } = await openTicket(QA_USER, 'en', 1280, '[data-testid="qa-assignments"]');
    const hiddenRequests: unknown[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith(`/api/v1/calls/${callId}/evaluations`) && response.request().method() === 'GET') hiddenRequests.push(response.json());
    });
    await app.locator(`[data-testid="qa-assignment-${callId}"]`).click();
    await app.locator('.cs-qa-scorecard').waitFor({ timeout: 20_000 });
    const firstAnswer = (await Promise.all(hiddenRequests))[0] as { blind: boolean; items: unknown[] };
    expect(firstAnswer).toMatchObject({ blind: true, items: [] });
    expect(await app.locator('.cs-qa-notice').first().textContent()).toContain('Blind double scoring');
    expect(await app.locator('.cs-qa-result').count()).toBe(0);

    for (const id of await app.locator('[data-criterion]').evaluateAll((rows) => rows.filter((r) => r.querySelector('input:checked') === null).map((r) => r.getAttribute('data-criterion')!))) {
      await app.locator(`[data-criterion="${id}"] .cs-qa-option`).first().click();
    }
    await app.locator('.cs-qa-submit').click();
    await app.locator('[data-testid="qa-submitted"]').waitFor({ timeout: 20_000 });
    // The evaluations are read again once the score is in: the blind is lifted when that answer arrives.
    await expect.poll(() => app.locator('.cs-qa-result').textContent(), { timeout: 20_000 }).toContain(SECOND_REVIEWER);
    await shot(page, 'blind-after-submit', app);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('refuses to send an incomplete scorecard and says how many criteria are left', async () => {
    const callId = expectedQueue[2] ?? expectedQueue[expectedQueue.length - 1]!;
    const { page, app } = await openTicket(QA_USER, 'zh-cn', 320, '[data-testid="qa-assignments"]');
    await app.locator(`[data-testid="qa-assignment-${callId}"]`).click();
    await app.locator('.cs-qa-scorecard').waitFor({ timeout: 20_000 });
    const before = await api<{ items: Evaluation[] }>('GET', `/api/v1/calls/${callId}/evaluations`, adminToken);
    await app.locator('.cs-qa-submit').click();
    await app.locator('.cs-qa-scorecard [role="alert"]').waitFor({ timeout: 10_000 });
    expect(await app.locator('.cs-qa-scorecard [role="alert"]').textContent()).toMatch(/请先完成所有评分项（还剩 \d+ 项）/);
    const after = await api<{ items: Evaluation[] }>('GET', `/api/v1/calls/${callId}/evaluations`, adminToken);
    expect(after.body.items.length).toBe(before.body.items.length);
    await shot(page, 'incomplete-zh-cn-320', app);
    await page.close();
  }, 90_000);

  for (const locale of LOCALES) {
    it(`empty and error states, ${locale}: a reviewer without assignments, and a hub that fails the reviews`, async () => {
      const idle = await openTicket(IDLE_QA_USER, locale, 320, '#cs-qa-mine');
      expect(await idle.app.locator('#cs-qa-mine + p').textContent()).toBe(locale === 'en' ? `No calls are assigned to you for ${PERIOD}.` : `${PERIOD} 没有分配给您的通话。`);
      expect(await seriousAxeViolations(idle.app)).toEqual([]);
      await shot(idle.page, `empty-${locale}-320`, idle.app);
      await idle.page.close();

      const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
      await page.route(`${hub.url}/api/v1/reviews/mine**`, (route) =>
        route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'down' } }) }),
      );
      const token = await zafToken(QA_USER);
      await page.route(`${ZENDESK_ORIGIN}/agent/**`, (route) =>
        route.fulfill({ contentType: 'text/html', body: fakeTicketPage(token, QA_USER, locale === 'zh-cn' ? 'zh-CN' : 'en-US', requester.phone) }),
      );
      await page.goto(`${ZENDESK_ORIGIN}/agent/tickets/42`);
      const alert = page.frameLocator('iframe[name="app"]').locator('.cs-qa [role="alert"]');
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.locator('button').textContent()).toBe(locale === 'en' ? 'Try again' : '重试');
      await page.unroute(`${hub.url}/api/v1/reviews/mine**`);
      await alert.locator('button').click();
      await page.frameLocator('iframe[name="app"]').locator('[data-testid="qa-assignments"]').waitFor({ timeout: 30_000 });
      await page.close();
    }, 120_000);
  }

  for (const width of WIDTHS) {
    for (const locale of LOCALES) {
      it(`agent, ${locale}, ${width}px: the ticket sidebar shows the requester's call history instead`, async () => {
        const { page, app, problems } = await openTicket(AGENT_USER, locale, width, '.cs-root:not(.cs-qa) .cs-heading');
        expect(await app.locator('.cs-heading').first().textContent()).toBe(locale === 'en' ? 'Call history' : '通话记录');
        expect(await app.locator('.cs-qa-queue').count()).toBe(0);
        const agentToken = await hub.hub.tokens.issue({ tenantId: 'demo', userId: `zendesk:${AGENT_USER}`, role: 'agent', agentId, teams: [], queues: [], ttlS: 600 });
        const own = await api<{ items: CallSummary[] }>('GET', `/api/v1/calls?customerPhone=${encodeURIComponent(requester.phone)}&limit=25`, agentToken);
        // The heading shows before the list has loaded: wait for the list the hub gives this agent.
        const listed = () => app.locator('[role="option"]').evaluateAll((options) => options.map((option) => option.id.replace(/^cs-call-/, '')));
        await expect.poll(listed, { timeout: 20_000 }).toEqual(own.body.items.map((call) => call.id));
        expect(await seriousAxeViolations(app)).toEqual([]);
        await shot(page, `agent-history-${locale}-${width}`, app);
        expect(problems).toEqual([]);
        await page.close();
      }, 90_000);
    }
  }
});

describe('QA review panel on the Salesforce Case page', () => {
  for (const width of WIDTHS) {
    for (const locale of LOCALES) {
      it(`QA, ${locale}, ${width}px: callsightReviewPanel mounts the panel with the demo reviewer's assignments; passes axe`, async () => {
        const demoSession = (await (await fetch(`${hub.url}/demo/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'qa' }) })).json()) as { token: string };
        const expected = await reachableQueue(demoSession.token, SECOND_REVIEWER);
        const page = await browser.newPage({ viewport: { width, height: 1000 } });
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        await page.goto(`${hub.url}/demo/salesforce?${new URLSearchParams({ role: 'qa', customer: requester.phone, page: 'case', locale }).toString()}`);
        const panel = page.locator('c-callsight-review-panel');
        await panel.locator('[data-testid="qa-assignments"], #cs-qa-mine + p').first().waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
          await page.screenshot({ path: join(artifacts, `salesforce-case-${locale}-${width}-failed.png`), fullPage: true });
          throw error;
        });
        expect(await panel.locator('.cs-heading').first().textContent()).toBe(locale === 'en' ? 'QA review' : '质检评审');
        const listed = await panel.locator('[data-testid="qa-assignments"] button.cs-qa-call').evaluateAll((buttons) => buttons.map((b) => (b.getAttribute('data-testid') ?? '').replace(/^qa-assignment-/, '')));
        expect(listed).toEqual(expected);
        expect(await seriousAxeViolations(page)).toEqual([]);
        await page.screenshot({ path: join(artifacts, `salesforce-case-${locale}-${width}.png`), fullPage: true });
        expect(problems).toEqual([]);
        await page.close();
      }, 90_000);
    }
  }
});
