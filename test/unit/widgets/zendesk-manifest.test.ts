import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { unzipSync } from 'fflate';
import { buildZendeskApp, readHubBaseUrl, readHubHost, stampManifest } from '../../../manifests/zendesk/build';
import { ZENDESK_APP_PATH } from '../../../core/api/zendesk-app.api';
import type { ZendeskAppBuild } from '../../../manifests/zendesk/build';
import { featureAt } from '../../../widgets/hosts/shared/location-registry';
import { ZENDESK_LOCATIONS } from '../../../widgets/hosts/zendesk/zendesk-locations';

const repoRoot = resolve(__dirname, '../../..');
const sourceDir = join(repoRoot, 'manifests/zendesk');
const HUB_URL = 'https://callsight.example.com';
const REQUIRED_TRANSLATION_KEYS = ['app.name', 'app.short_description', 'app.long_description', 'app.installation_instructions'];

let workDir: string;
let build: ZendeskAppBuild;
let manifest: Record<string, any>;

function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { [prefix]: value };
  return Object.entries(value).reduce<Record<string, unknown>>(
    (out, [key, child]) => ({ ...out, ...flatten(child, prefix === '' ? key : `${prefix}.${key}`) }),
    {},
  );
}

function readJson(path: string): Record<string, any> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'callsight-zendesk-'));
  build = await buildZendeskApp({ hubUrl: HUB_URL, outDir: join(workDir, 'zendesk') });
  manifest = readJson(join(build.appDir, 'manifest.json'));
}, 120_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('Zendesk app package', () => {
  it('has the manifest fields Zendesk requires', () => {
    expect(manifest.name).toBe('Callsight');
    expect(manifest.author).toMatchObject({ name: expect.any(String), email: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[^@\s]+$/) });
    expect(manifest.defaultLocale).toBe('en');
    expect(manifest.frameworkVersion).toBe('2.0');
    expect(manifest.private).toBe(true);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('asks Zendesk for signed URLs and points both sidebars at the hub page that verifies them', () => {
    expect(manifest.signedUrls).toBe(true);
    expect(Object.keys(manifest.location)).toEqual(['support']);
    for (const name of ['user_sidebar', 'ticket_sidebar']) {
      expect(manifest.location.support[name]).toEqual({ url: `${HUB_URL}${ZENDESK_APP_PATH}`, flexible: true });
    }
    expect(JSON.stringify(manifest)).not.toContain('{{HUB_URL}}');
  });

  it('ships no iframe page of its own: every location URL is an https URL on the hub, none inside the package', () => {
    for (const location of Object.values<Record<string, { url: string }>>(manifest.location)) {
      for (const { url } of Object.values(location)) {
        const parsed = new URL(url);
        expect(parsed.protocol).toBe('https:');
        expect(parsed.hostname).toBe('callsight.example.com');
      }
    }
    expect(build.files.filter((file) => file.endsWith('.html') || file.endsWith('.js'))).toEqual([]);
  });

  it('opens the workspace shell from the nav bar, on the same signed hub page as the sidebars', () => {
    expect(manifest.location.support.nav_bar).toEqual({ url: `${HUB_URL}${ZENDESK_APP_PATH}` });
    expect(featureAt(ZENDESK_LOCATIONS, 'support.nav_bar')).toBe('workspace');
    expect(ZENDESK_LOCATIONS['support.nav_bar'].kind).toBe('workspace');
  });

  it('ships the nav bar icon Zendesk requires: assets/icon_nav_bar.svg, an SVG with a viewBox drawn in currentColor', () => {
    expect(build.files).toContain('assets/icon_nav_bar.svg');
    const svg = readFileSync(join(build.appDir, 'assets/icon_nav_bar.svg'), 'utf8');
    expect(svg).toMatch(/^<svg\s[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/\sviewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('currentColor');
    expect(svg).not.toMatch(/<script|<image|href=/i);
  });

  it('declares only locations the widget registry mounts a feature in', () => {
    for (const [product, locations] of Object.entries<Record<string, unknown>>(manifest.location)) {
      for (const name of Object.keys(locations)) {
        expect(featureAt(ZENDESK_LOCATIONS, `${product}.${name}`), `${product}.${name}`).not.toBeNull();
      }
    }
  });

  it('has no settings: no shared secret to sign claims with, no hub URL for the iframe to read', () => {
    expect(manifest.parameters).toEqual([]);
  });

  it('whitelists the hub host given at build time and nothing else', () => {
    expect(manifest.domainWhitelist).toEqual(['callsight.example.com']);
    expect(JSON.stringify(manifest)).not.toContain('{{HUB_HOST}}');
  });

  it('has every required translation key in en, and zh-cn has exactly the same keys', () => {
    const en = flatten(readJson(join(build.appDir, 'translations/en.json')));
    const zh = flatten(readJson(join(build.appDir, 'translations/zh-cn.json')));
    for (const key of REQUIRED_TRANSLATION_KEYS) expect(typeof en[key], key).toBe('string');
    for (const parameter of manifest.parameters as Array<{ name: string }>) {
      expect(typeof en[`app.parameters.${parameter.name}.label`]).toBe('string');
      expect(typeof en[`app.parameters.${parameter.name}.helpText`]).toBe('string');
    }
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(zh)) expect(String(value).trim(), key).not.toBe('');
    expect(String(en['app.short_description']).length).toBeLessThanOrEqual(200);
  });

  it.each([
    ['assets/logo.png', 320],
    ['assets/logo-small.png', 128],
  ])('%s is a %ipx square PNG', (path, size) => {
    const png = PNG.sync.read(readFileSync(join(build.appDir, path)));
    expect([png.width, png.height]).toEqual([size, size]);
  });

  it('zips exactly the app folder with manifest.json at the root', () => {
    const entries = unzipSync(readFileSync(build.zipPath));
    expect(Object.keys(entries).sort()).toEqual([...build.files]);
    expect(entries['manifest.json']).toBeDefined();
    expect(JSON.parse(new TextDecoder().decode(entries['manifest.json']))).toEqual(manifest);
    expect(build.files.some((file) => file.includes('zcli.apps.config'))).toBe(false);
  });

  it('leaves the source manifest as the source (placeholder kept, stamped copy only in dist)', () => {
    const source = readJson(join(sourceDir, 'manifest.json'));
    expect(source.domainWhitelist).toContain('{{HUB_HOST}}');
    expect(source.location.support.user_sidebar.url).toBe('{{HUB_URL}}/zendesk/app');
    const stamped = stampManifest(source, 'a.example', 'https://a.example/cs');
    expect(stamped.domainWhitelist).toEqual(['a.example']);
    expect((stamped.location as any).support.ticket_sidebar.url).toBe('https://a.example/cs/zendesk/app');
  });

  it('refuses a source manifest without signed URLs or with a location not served by the hub', () => {
    const source = readJson(join(sourceDir, 'manifest.json'));
    expect(() => stampManifest({ ...source, signedUrls: false }, 'a.example', 'https://a.example')).toThrow(/signedUrls/);
    const local = { ...source, location: { support: { user_sidebar: { url: 'assets/iframe.html', flexible: true } } } };
    expect(() => stampManifest(local, 'a.example', 'https://a.example')).toThrow(/user_sidebar must point at/);
  });

  it('stamps the hub base URL without a trailing slash, keeping a path', () => {
    expect(readHubBaseUrl('https://hub.example.com/')).toBe('https://hub.example.com');
    expect(readHubBaseUrl('https://hub.example.com:8443/callsight/')).toBe('https://hub.example.com:8443/callsight');
  });

  it.each([['http://hub.example.com'], ['not a url'], ['ftp://x.example.com']])('refuses to build for hub URL %s', (url) => {
    expect(() => readHubHost(url)).toThrow(/hub URL/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('zcli apps:server', () => {
  let server: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((done) => server!.once('exit', done));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('serves the built app offline and /app.json lists our locations', async () => {
    const appDir = join(workDir, 'zcli-app');
    cpSync(build.appDir, appDir, { recursive: true });
    // zcli prompts for settings it cannot find here; the prompt would hang a test.
    writeFileSync(join(appDir, 'zcli.apps.config.json'), JSON.stringify({ parameters: {} }));
    const port = await freePort();
    server = spawn(join(repoRoot, 'node_modules/.bin/zcli'), ['apps:server', appDir, '--port', String(port), '--bind', '127.0.0.1'], {
      cwd: workDir,
      env: { ...process.env, ZENDESK_SUBDOMAIN: '', ZENDESK_EMAIL: '', ZENDESK_API_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    let appJson: any;
    const deadline = Date.now() + 30_000;
    while (appJson === undefined) {
      if (server.exitCode !== null) throw new Error(`zcli exited with ${server.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`zcli did not serve /app.json in 30 s: ${output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/app.json`);
        if (response.ok) appJson = await response.json();
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const app = appJson.apps[0];
    expect(app).toMatchObject({ name: 'Callsight', default_locale: 'en', framework_version: '2.0' });
    expect(Object.keys(app.locations.support).sort()).toEqual(['nav_bar', 'ticket_sidebar', 'user_sidebar']);
    expect(app.locations.support.user_sidebar.url).toBe(`${HUB_URL}${ZENDESK_APP_PATH}`);
  }, 60_000);
});
