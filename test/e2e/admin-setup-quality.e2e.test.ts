/**
 * The admin setup's scorecard editor and sampling roster editor in real headless Chromium (Debian `chromium`)
 * against a running hub seeded with the demo, built and mounted the way admin-setup.e2e.test.ts does it
 * (`callsightAdminSetup`, Zendesk's look and the SLDS theme, en and zh-CN, 320 and 1280 px). Assertions read what
 * the hub answers (the card's versions, its check, the plan it would draw) rather than demo numbers.
 * Screenshots: test-results/admin-setup-quality/ (git-ignored).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { setupServer } from 'msw/node';
import { build } from 'vite';
import { createOpenAiModelsFake, createTwilioAccountFake } from '../fakes/provider-probes.fake';
import { salesforceBuildConfig, salesforceBundleFile } from '../../widgets/vite.config';
import { startTestHub } from '../support/hub';

type Locale = 'en' | 'zh-cn';
type Look = 'zendesk' | 'salesforce';

const artifacts = resolve(__dirname, '../../test-results/admin-setup-quality');
const bundleDir = join(artifacts, 'bundle');
const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const TWILIO_SID = 'AC00000000000000000000000000e2e001';
const twilioFake = createTwilioAccountFake({ accountSid: TWILIO_SID, authToken: 'twilio-e2e-token' });
const modelsFake = createOpenAiModelsFake({ baseUrl: 'https://asr.e2e.example', apiKey: 'sk-e2e-right-key' });
// The hub runs in this process: its Twilio and transcription calls are answered by the fakes; loopback passes through.
const providers = setupServer(...twilioFake.handlers, ...modelsFake.handlers);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let browser: Browser;
let bundle: string;
/** The demo month with the most calls: the one a sampling preview has something to draw from. */
let busiestMonth: string;

const PAGE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Callsight admin setup</title>
<style>body{margin:0;background:#f8f9f9}main{padding:0}</style></head>
<body><main><div id="admin-host"></div></main><script src="/e2e/callsight.iife.js"></script><script>
const params = new URLSearchParams(location.search);
document.documentElement.lang = params.get("locale") === "zh-cn" ? "zh-CN" : "en";
const bridge = {
  context: async () => ({ locale: params.get('locale'), location: 'workspace', customer: {} }),
  resize: () => {},
  fetchToken: async () => {
    const response = await fetch('/demo/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: params.get('role') }) });
    if (!response.ok) throw new Error('demo token refused');
    return response.json();
  },
  onCustomerChanged: () => () => {},
};
const host = document.getElementById('admin-host');
const root = params.get('look') === 'salesforce' ? host.attachShadow({ mode: 'open' }).appendChild(document.createElement('div')) : host;
window.mounted = Callsight.mount(root, { component: 'callsightAdminSetup', bridge, ...(params.get('look') === 'salesforce' ? { theme: 'slds' } : {}) });
</script></body></html>`;

async function demoToken(role: string): Promise<string> {
  const response = await fetch(`${hub.url}/demo/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role }) });
  const body = (await response.json()) as { token?: string };
  if (body.token === undefined) throw new Error(`POST /demo/token refused role ${role}`);
  return body.token;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await demoToken('admin')}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

async function openAdmin(options: { look: Look; locale: Locale; width: number; before?: (page: Page) => Promise<void> }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: options.width, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.route(`${hub.url}/e2e/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/e2e/admin-setup.html') return route.fulfill({ status: 200, contentType: 'text/html', body: PAGE_HTML });
    if (path === '/e2e/callsight.iife.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
    return route.fulfill({ status: 404, body: '' });
  });
  await options.before?.(page);
  const query = new URLSearchParams({ look: options.look, locale: options.locale, role: 'admin' });
  await page.goto(`${hub.url}/e2e/admin-setup.html?${query.toString()}`);
  await page.evaluate(() => (window as unknown as { mounted: Promise<unknown> }).mounted);
  return { page, problems };
}

/** Both editors loaded: the scorecard's criteria and the roster (or its empty message). */
async function waitEditors(page: Page): Promise<void> {
  await page.locator('[data-testid="scorecard-editor"] [data-criterion]').first().waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="stored-plan"]:not(:empty)').waitFor({ timeout: 20_000 });
}

async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.mouse.move(0, 0);
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${JSON.stringify(violation.nodes.slice(0, 3).map((node) => node.target))}`);
}

function shot(page: Page, name: string, testId?: string): Promise<Buffer> {
  const path = join(artifacts, `${name}.png`);
  return testId ? page.locator(`[data-testid="${testId}"]`).screenshot({ path }) : page.screenshot({ path, fullPage: true });
}

function text(locale: Locale, en: string, zh: string): string {
  return locale === 'zh-cn' ? zh : en;
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  await build({ ...salesforceBuildConfig(bundleDir, 'callsightAdminSetup'), logLevel: 'warn' });
  bundle = readFileSync(join(bundleDir, salesforceBundleFile('callsightAdminSetup')), 'utf8');
  providers.listen({ onUnhandledRequest: 'bypass' });
  hub = await startTestHub({ demoCalls: 40 });
  const months = new Map<string, number>();
  for (const call of (await hub.hub.calls.listCalls('demo', {}, { kind: 'all' }, { limit: 1000 })).items) {
    months.set(call.startedAt.slice(0, 7), (months.get(call.startedAt.slice(0, 7)) ?? 0) + 1);
  }
  busiestMonth = [...months].sort((a, b) => b[1] - a[1])[0]![0];
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
  providers.close();
});

describe('the scorecard and sampling editors in both looks, languages and widths', () => {
  const cases: Array<[Look, Locale, number]> = [
    ['zendesk', 'en', 1280],
    ['zendesk', 'zh-cn', 320],
    ['salesforce', 'en', 320],
    ['salesforce', 'zh-cn', 1280],
  ];
  for (const [look, locale, width] of cases) {
    it(`${look}, ${locale}, ${width}px: the card, its criteria and versions and the roster as the hub answers them; passes axe`, async () => {
      const { page, problems } = await openAdmin({ look, locale, width });
      await waitEditors(page);
      const card = await api('GET', '/api/v1/scorecards/default');
      const option = await page.locator('#cs-admin-scorecard option[value="default"]').textContent();
      expect(option).toBe(text(locale, `${card.name.en} (version ${card.version})`, `${card.name.zh}（第 ${card.version} 版）`));
      const criteria = await page.locator('[data-testid="scorecard-editor"] [data-criterion]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-criterion')));
      expect(criteria).toEqual(card.sections.flatMap((section: { criteria: Array<{ id: string }> }) => section.criteria.map((c) => c.id)));
      const legends = await page.locator('[data-testid="scorecard-editor"] legend').allTextContents();
      expect(legends).toEqual(card.sections.map((section: { label: { en: string; zh: string } }) => text(locale, section.label.en, section.label.zh)));
      expect(await page.locator('#cs-admin-change-note').count()).toBe(1);
      const roster = await api<{ reviewers: Array<{ id: string }> }>('GET', '/api/v1/sampling/reviewers');
      const shownRoster = await page.locator('[data-testid="roster"] [data-reviewer]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-reviewer')));
      expect(shownRoster).toEqual(roster.reviewers.map((r) => r.id));
      expect(await page.locator('button', { hasText: text(locale, 'Save roster and plan', '保存人员与计划') }).isDisabled()).toBe(true);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(page, `scorecard-${look}-${locale}-${width}`, 'scorecard-editor');
      await shot(page, `sampling-${look}-${locale}-${width}`, 'sampling-editor');
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('scorecard editor: a change becomes the next version once the hub accepts it', () => {
  for (const [locale, width] of [['en', 1280], ['zh-cn', 320]] as const) {
    it(`${locale}, ${width}px: an automatic criterion bound to an unknown analysis code is refused with the hub's message and nothing saved; fixed, it is saved as version N+1 with its note`, async () => {
      const before = await api('GET', '/api/v1/scorecards/default');
      const { page, problems } = await openAdmin({ look: 'zendesk', locale, width });
      await waitEditors(page);
      // The first manual criterion becomes automatic, bound to a code the analysis does not produce.
      const section = before.sections.findIndex((s: { criteria: Array<{ kind: string }> }) => s.criteria.some((c) => c.kind === 'manual'));
      const index = before.sections[section].criteria.findIndex((c: { kind: string }) => c.kind === 'manual');
      const criterion = before.sections[section].criteria[index];
      const key = `#cs-sc-${section}-${index}`;
      await page.locator(`${key}-kind`).selectOption('automatic');
      await page.locator(`${key}-source`).fill('agent_smiled');
      await page.locator(`${key}-w`).fill('3');
      await page.locator('#cs-admin-change-note').fill(`e2e ${locale}: ${criterion.id} scored by the analysis`);
      const save = page.locator('button[type="submit"]', { hasText: text(locale, `Save as version ${before.version + 1}`, `保存为第 ${before.version + 1} 版`) });
      await save.click();
      const refused = page.locator('[data-testid="scorecard-problems"]');
      await refused.waitFor({ timeout: 20_000 });
      expect(await refused.locator('p').textContent()).toBe(text(locale, 'The hub did not accept this version:', '中心未接受此版本：'));
      expect(await refused.locator('li').first().textContent()).toContain('unknown automatic source "agent_smiled"');
      expect((await api('GET', '/api/v1/scorecards/default')).version).toBe(before.version);
      await shot(page, `scorecard-refused-${locale}-${width}`, 'scorecard-editor');
      expect(await seriousAxeViolations(page)).toEqual([]);

      await page.locator(`${key}-source`).fill('customer_not_agitated');
      await save.click();
      const saved = page.locator('[data-testid="scorecard-saved"]');
      await saved.waitFor({ timeout: 20_000 });
      const after = await api('GET', '/api/v1/scorecards/default');
      expect(after.version).toBe(before.version + 1);
      expect(after.changeNote).toBe(`e2e ${locale}: ${criterion.id} scored by the analysis`);
      expect(after.sections[section].criteria[index]).toMatchObject({ id: criterion.id, kind: 'automatic', source: 'customer_not_agitated', weight: 3 });
      expect(await saved.textContent()).toContain(text(locale, `Saved as version ${after.version}.`, `已保存为第 ${after.version} 版。`));
      await page.locator('[data-testid="scorecard-editor"] details summary').click();
      expect(await page.locator(`[data-testid="scorecard-versions"] [data-version="${after.version}"]`).textContent()).toContain(after.changeNote);
      await page.locator('#cs-admin-scorecard option', { hasText: String(after.version) }).waitFor({ state: 'attached', timeout: 20_000 });
      await shot(page, `scorecard-saved-${locale}-${width}`, 'scorecard-editor');
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('sampling editor: the plan is previewed before the roster and plan are saved', () => {
  for (const [locale, width] of [['zh-cn', 1280], ['en', 320]] as const) {
    it(`${locale}, ${width}px: adds a reviewer, changes a quota, previews what the hub would draw, saves exactly that plan`, async () => {
      const { page, problems } = await openAdmin({ look: 'zendesk', locale, width });
      await waitEditors(page);
      await page.locator('#cs-admin-period').fill(busiestMonth);
      await page.locator('[data-testid="stored-plan"]:not(:empty)').waitFor({ timeout: 20_000 });
      const roster = (await api<{ reviewers: Array<{ id: string; agentId?: string | null }> }>('GET', '/api/v1/sampling/reviewers')).reviewers;
      const added = `qa-e2e-${locale}`;
      await page.locator('button', { hasText: text(locale, 'Add a reviewer', '添加质检员') }).click();
      await page.locator(`#cs-admin-rev-${roster.length}`).fill(added);
      await page.locator('#cs-admin-q-senior').fill('25');
      const save = page.locator('button', { hasText: text(locale, 'Save roster and plan', '保存人员与计划') });
      expect(await save.isDisabled()).toBe(true);
      await page.locator('button', { hasText: text(locale, 'Preview the plan', '预览抽检计划') }).click();
      await page.locator('[data-testid="plan-preview"]').waitFor({ timeout: 20_000 });

      const stored = await fetch(`${hub.url}/api/v1/sampling/plans/${busiestMonth}`, { headers: { Authorization: `Bearer ${await demoToken('admin')}` } });
      const reviewers = [...roster.map((r) => ({ id: r.id, ...(r.agentId ? { agentId: r.agentId } : {}) })), { id: added }];
      const expected = await api('POST', '/api/v1/admin/sampling/preview', {
        period: busiestMonth,
        quotas: { new: stored.ok ? (await stored.json()).settings.quotas.new : 0.5, senior: 0.25 },
        reviewers,
      });
      expect(await page.locator('[data-testid="plan-sampled"]').textContent()).toBe(
        text(locale, `${expected.totals.sampled} of ${expected.totals.callsInPeriod} calls would be reviewed`, `${expected.totals.callsInPeriod} 通中将抽检 ${expected.totals.sampled} 通`),
      );
      const byReviewer = await page.locator('[data-testid="plan-reviewers"] [data-reviewer]').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-reviewer'), row.textContent]));
      expect(byReviewer.map(([id]) => id)).toEqual(expected.reviewers.map((r: { reviewerId: string }) => r.reviewerId));
      expect(byReviewer.find(([id]) => id === added)?.[1]).toContain(String(expected.reviewers.find((r: { reviewerId: string }) => r.reviewerId === added).assigned));
      expect((await api('GET', '/api/v1/sampling/reviewers')).reviewers.map((r: { id: string }) => r.id)).not.toContain(added);
      await shot(page, `sampling-preview-${locale}-${width}`, 'sampling-editor');
      expect(await seriousAxeViolations(page)).toEqual([]);

      expect(await save.isDisabled()).toBe(false);
      await save.click();
      await page.locator('[data-testid="plan-saved"]').waitFor({ timeout: 20_000 });
      expect((await api('GET', '/api/v1/sampling/reviewers')).reviewers.map((r: { id: string }) => r.id)).toContain(added);
      const plan = await api('GET', `/api/v1/sampling/plans/${busiestMonth}`);
      expect(plan.fingerprint).toBe(expected.fingerprint);
      expect(plan.settings.quotas.senior).toBe(0.25);
      await shot(page, `sampling-saved-${locale}-${width}`, 'sampling-editor');
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('loading, empty and error states', () => {
  for (const [locale, width] of [['zh-cn', 320], ['en', 1280]] as const) {
    it(`${locale}, ${width}px: the scorecards load, fail with a retry that recovers; an empty roster says so; a refused preview shows its code`, async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((resolveHeld) => {
        release = resolveHeld;
      });
      let refuse = true;
      const { page, problems } = await openAdmin({
        look: 'zendesk',
        locale,
        width,
        before: async (p) => {
          await p.route(`${hub.url}/api/v1/scorecards`, async (route) => {
            if (!refuse) return route.continue();
            await held;
            return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'UPSTREAM_FAILED', message: 'down' } }) });
          });
          await p.route(`${hub.url}/api/v1/sampling/reviewers`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ reviewers: [] }) }));
          await p.route(`${hub.url}/api/v1/admin/sampling/preview`, (route) =>
            route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'no reviewers' } }) }),
          );
        },
      });
      const editor = page.locator('[data-testid="scorecard-editor"]');
      await editor.locator('[role="status"]').waitFor({ timeout: 20_000 });
      expect(await editor.locator('[role="status"]').textContent()).toBe(text(locale, 'Loading…', '加载中…'));
      await shot(page, `state-scorecards-loading-${locale}-${width}`, 'scorecard-editor');
      release();
      await editor.locator('[role="alert"]').waitFor({ timeout: 20_000 });
      expect(await editor.locator('[role="alert"] p').textContent()).toBe(text(locale, 'Something went wrong (UPSTREAM_FAILED).', '出错了（UPSTREAM_FAILED）。'));
      await shot(page, `state-scorecards-error-${locale}-${width}`, 'scorecard-editor');

      const sampling = page.locator('[data-testid="sampling-editor"]');
      await sampling.locator('.cs-message', { hasText: text(locale, 'No reviewer yet', '还没有质检员') }).waitFor({ timeout: 20_000 });
      await sampling.locator('button', { hasText: text(locale, 'Preview the plan', '预览抽检计划') }).click();
      await sampling.locator('[role="alert"]').waitFor({ timeout: 20_000 });
      expect(await sampling.locator('[role="alert"] p').textContent()).toBe(text(locale, 'Something went wrong (VALIDATION_FAILED).', '出错了（VALIDATION_FAILED）。'));
      await shot(page, `state-sampling-empty-error-${locale}-${width}`, 'sampling-editor');
      expect(await seriousAxeViolations(page)).toEqual([]);

      refuse = false;
      await editor.locator('[role="alert"] button').click();
      await editor.locator('[data-criterion]').first().waitFor({ timeout: 20_000 });
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});

describe('connection tests show what the provider answered', () => {
  for (const [locale, width] of [['en', 1280], ['zh-cn', 320]] as const) {
    it(`${locale}, ${width}px: Twilio answers with the stored credentials (connected); the transcription provider refuses the stored key (its code)`, async () => {
      await hub.hub.accounts.save({ provider: 'twilio', accountId: TWILIO_SID, tenantId: 'demo', sealedSecret: hub.hub.keys.sealSecret('demo', 'twilio', 'twilio-e2e-token'), settings: {} }, new Date());
      await api('PUT', '/api/v1/settings/analysis', { transcriber: { kind: 'openai-compatible', baseUrl: 'https://asr.e2e.example', model: 'whisper-1', language: 'zh', apiKey: 'sk-e2e-revoked-key' } });
      const { page, problems } = await openAdmin({ look: 'zendesk', locale, width });
      const twilioRow = page.locator('.cs-admin__row[data-kind="twilio"]');
      await twilioRow.waitFor({ timeout: 20_000 });
      const before = twilioFake.requests.length;
      const twilioTested = page.waitForResponse((response) => response.url().endsWith('/api/v1/admin/connections/twilio/test'));
      await twilioRow.locator('button').click();
      expect((await twilioTested).status()).toBe(200);
      await twilioRow.locator('button:not([disabled])').waitFor({ timeout: 20_000 });
      expect(twilioFake.requests.slice(before)).toEqual([{ sid: TWILIO_SID, authorized: true }]);
      expect(await twilioRow.locator('[data-status]').getAttribute('data-status')).toBe('ok');
      expect(await twilioRow.locator('[data-status]').textContent()).toBe(text(locale, 'Connected', '已连接'));

      const asrRow = page.locator('.cs-admin__row[data-kind="transcription"]');
      const tested = page.waitForResponse((response) => response.url().endsWith('/api/v1/admin/connections/transcription/test'));
      await asrRow.locator('button').click();
      const answer = await (await tested).json();
      expect(answer).toMatchObject({ status: 'error', code: 'PROVIDER_AUTH_FAILED', target: 'asr.e2e.example' });
      await asrRow.locator('[data-status="error"]').waitFor({ timeout: 20_000 });
      expect(await asrRow.locator('[data-status]').textContent()).toContain('PROVIDER_AUTH_FAILED');
      expect(modelsFake.requests.at(-1)).toEqual({ authorized: false });
      await shot(page, `connections-tested-${locale}-${width}`, 'connections');
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
