/**
 * Builds the Zendesk app a CRM admin uploads: dist/zendesk/app/ (manifest, translations, logos) and
 * dist/zendesk/callsight-zendesk.zip (the same files at the zip root).
 *
 *   npm run build:zendesk -- --hub-url https://callsight.example.com     (or HUB_URL=... npm run build:zendesk)
 *
 * manifest.json here is the source; the build stamps a generated copy whose location URLs point at the hub's
 * app page (`{{HUB_URL}}/zendesk/app`: with `signedUrls: true` Zendesk POSTs a signed token there, so the hub
 * learns who the user is from Zendesk rather than from the iframe) and whose `domainWhitelist` holds the hub host.
 * The widget bundle is not in the package: the hub serves the page and its assets.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { CallsightError } from '../../core/shared/errors';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

/** The placeholder in the source manifest's domainWhitelist that the build replaces with the hub host. */
export const HUB_HOST_PLACEHOLDER = '{{HUB_HOST}}';
/** The placeholder location URLs start with; the build replaces it with the hub's base URL. */
export const HUB_URL_PLACEHOLDER = '{{HUB_URL}}';

export interface BuildZendeskAppOptions {
  /** Base URL of the hub the installation will call (https, or http://localhost for trials). */
  readonly hubUrl: string;
  /** Output folder; defaults to dist/zendesk. */
  readonly outDir?: string;
}

export interface ZendeskAppBuild {
  readonly appDir: string;
  readonly zipPath: string;
  /** Paths inside the app (and the zip), sorted. */
  readonly files: readonly string[];
  readonly zipBytes: number;
}

interface ViteManifestEntry {
  readonly file: string;
  readonly imports?: readonly string[];
  /** Lazily loaded features: the iframe loads the one its location mounts, so all must be in the package. */
  readonly dynamicImports?: readonly string[];
  readonly css?: readonly string[];
  readonly assets?: readonly string[];
}

/** Builds the app folder and zip; throws CallsightError VALIDATION_FAILED on a bad hub URL or source manifest. */
export async function buildZendeskApp(options: BuildZendeskAppOptions): Promise<ZendeskAppBuild> {
  const hubHost = readHubHost(options.hubUrl);
  const outDir = resolve(options.outDir ?? join(repoRoot, 'dist/zendesk'));

  const appDir = join(outDir, 'app');
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(join(appDir, 'assets'), { recursive: true });
  mkdirSync(join(appDir, 'translations'), { recursive: true });

  const source = JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(appDir, 'manifest.json'), `${JSON.stringify(stampManifest(source, hubHost, readHubBaseUrl(options.hubUrl)), null, 2)}\n`);

  for (const name of readdirSync(join(here, 'translations'))) {
    if (name.endsWith('.json')) copy(join(here, 'translations', name), join(appDir, 'translations', name));
  }
  for (const name of readdirSync(join(here, 'assets'))) {
    copy(join(here, 'assets', name), join(appDir, 'assets', name));
  }

  const files = listFiles(appDir);
  const zipInput: Record<string, Uint8Array> = {};
  for (const file of files) zipInput[file] = readFileSync(join(appDir, file));
  const zip = zipSync(zipInput, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') });
  const zipPath = join(outDir, 'callsight-zendesk.zip');
  writeFileSync(zipPath, zip);
  return { appDir, zipPath, files, zipBytes: zip.length };
}

/**
 * The generated manifest: the source with the hub host in `domainWhitelist` (placeholder replaced, no duplicates)
 * and every location URL's `{{HUB_URL}}` replaced by `hubBaseUrl`. Refuses a source without `signedUrls: true`
 * or with a location that is not served by the hub, since the hub takes identity only from signed page requests.
 */
export function stampManifest(source: Record<string, unknown>, hubHost: string, hubBaseUrl: string): Record<string, unknown> {
  const whitelist = Array.isArray(source.domainWhitelist) ? (source.domainWhitelist as unknown[]) : [];
  if (!whitelist.includes(HUB_HOST_PLACEHOLDER)) {
    throw new CallsightError('VALIDATION_FAILED', `manifests/zendesk/manifest.json must list "${HUB_HOST_PLACEHOLDER}" in domainWhitelist`);
  }
  if (source.signedUrls !== true) {
    throw new CallsightError('VALIDATION_FAILED', 'manifests/zendesk/manifest.json must set "signedUrls": true (the hub verifies Zendesk-signed page requests)');
  }
  const products = typeof source.location === 'object' && source.location !== null ? (source.location as Record<string, Record<string, Record<string, unknown>>>) : {};
  const location: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [product, places] of Object.entries(products)) {
    location[product] = {};
    for (const [name, place] of Object.entries(places)) {
      const url = place.url;
      if (typeof url !== 'string' || !url.startsWith(`${HUB_URL_PLACEHOLDER}/`)) {
        throw new CallsightError('VALIDATION_FAILED', `manifests/zendesk/manifest.json: location ${product}.${name} must point at "${HUB_URL_PLACEHOLDER}/..."`);
      }
      location[product]![name] = { ...place, url: `${hubBaseUrl}${url.slice(HUB_URL_PLACEHOLDER.length)}` };
    }
  }
  const stamped = [...new Set(whitelist.map((entry) => (entry === HUB_HOST_PLACEHOLDER ? hubHost : entry)))];
  return { ...source, location, domainWhitelist: stamped };
}

/** The hub's base URL as location URLs start with it: origin and path, no trailing slash (checked like readHubHost). */
export function readHubBaseUrl(hubUrl: string): string {
  readHubHost(hubUrl);
  const url = new URL(hubUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The host Zendesk must whitelist for this hub URL; rejects anything but https (http only for localhost). */
export function readHubHost(hubUrl: string): string {
  let url: URL;
  try {
    url = new URL(hubUrl);
  } catch {
    throw new CallsightError('VALIDATION_FAILED', 'The hub URL is not a URL: pass --hub-url https://callsight.example.com or set HUB_URL');
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new CallsightError('VALIDATION_FAILED', 'The hub URL must use https (http is accepted for localhost only)');
  }
  return url.hostname;
}

/**
 * Builds the widgets into `widgetsDir` when `mode` is 'always', or 'auto' and the build is missing or older than
 * the widgets/ sources; with 'never' only checks that a build exists. Used by the Zendesk app build and the e2e test.
 */
export async function ensureWidgetsBuilt(widgetsDir: string, mode: 'auto' | 'always' | 'never'): Promise<void> {
  const built = join(widgetsDir, '.vite/manifest.json');
  const stale = !existsSync(built) || newestMtime(join(repoRoot, 'widgets')) > statSync(built).mtimeMs;
  if (mode === 'never' || (mode === 'auto' && !stale)) {
    if (!existsSync(built)) throw new CallsightError('VALIDATION_FAILED', `No widget build at ${widgetsDir}: run npm run build:widgets`);
    return;
  }
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'widgets/vite.config.ts'), build: { outDir: widgetsDir }, logLevel: 'warn' });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function copy(from: string, to: string): void {
  writeFileSync(to, readFileSync(from));
}

function readArg(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index !== -1) return process.argv[index + 1];
  const inline = process.argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const hubUrl = readArg('--hub-url') ?? process.env.HUB_URL;
  if (hubUrl === undefined || hubUrl === '') {
    console.error('build:zendesk needs the hub address: npm run build:zendesk -- --hub-url https://callsight.example.com (or set HUB_URL)');
    process.exitCode = 1;
    return;
  }
  const result = await buildZendeskApp({ hubUrl, outDir: readArg('--out') });
  console.log(`Zendesk app: ${relative(process.cwd(), result.appDir)} (${result.files.length} files)`);
  console.log(`Upload:      ${relative(process.cwd(), result.zipPath)} (${(result.zipBytes / 1024).toFixed(1)} KB)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
