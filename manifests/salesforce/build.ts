/**
 * Builds the Salesforce package an admin deploys: a stamped copy of the SFDX source (dist/salesforce/source) with
 * the widget bundles (dist/widgets/salesforce/callsight-<component>.iife.js, one per component) zipped as the
 * `callsight` static resource and the hub URL in the CSP trusted site, the Named
 * Credential and the Callsight_Setting custom metadata, then the same converted to Metadata API format with a
 * package.xml (dist/salesforce/package), offline with @salesforce/source-deploy-retrieve. The committed source under
 * manifests/salesforce is never modified.
 *
 *   npm run build:salesforce -- --hub-url https://callsight.example.com [--namespace callsight] [--out DIR]
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { zipSync } from 'fflate';
import { SALESFORCE_BUNDLE_FILES } from '../../widgets/hosts/salesforce/salesforce-components';
import { CallsightError } from '../../core/shared/errors';
import { ensureWidgetsBuilt } from '../zendesk/build';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');

/** The URL the committed source carries wherever the build stamps the hub URL. */
export const HUB_URL_PLACEHOLDER = 'https://callsight-hub.invalid';
/** Source files (relative to force-app/main/default) that must carry the placeholder, and get the hub URL. */
export const HUB_URL_FILES = [
  'cspTrustedSites/Callsight_Hub.cspTrustedSite-meta.xml',
  'namedCredentials/Callsight_Hub.namedCredential-meta.xml',
  'customMetadata/Callsight_Setting.Default.md-meta.xml',
] as const;
/** Where the zip of the widget bundles lands inside the package source (the `callsight` static resource). */
export const STATIC_RESOURCE_FILE = 'staticresources/callsight.zip';
const DEFAULT_SOURCE = 'force-app/main/default';

export interface BuildSalesforcePackageOptions {
  /** Base URL of the hub (https, or http://localhost for trials); only its origin is used. */
  readonly hubUrl: string;
  /** Namespace prefix written into sfdx-project.json (managed package); empty or absent for none. */
  readonly namespace?: string;
  /** Output folder; defaults to dist/salesforce. Emptied first. */
  readonly outDir?: string;
  /**
   * Folder holding every component's widget IIFE (SALESFORCE_BUNDLE_FILES); defaults to dist/widgets/salesforce,
   * built when missing or stale. Each is zipped at the root of the static resource.
   */
  readonly widgetBundlesDir?: string;
  /** The SFDX project to build from; defaults to manifests/salesforce. */
  readonly projectDir?: string;
}

export interface SalesforcePackageBuild {
  /** Stamped SFDX project (sfdx-project.json, force-app). */
  readonly sourceDir: string;
  /** Metadata API format with package.xml, ready for `sf project deploy start --metadata-dir`. */
  readonly packageDir: string;
  readonly hubUrl: string;
  /** Every component converted, as `Type:FullName`, sorted. */
  readonly components: readonly string[];
}

/**
 * Builds the package. Throws CallsightError VALIDATION_FAILED for a bad hub URL or namespace, a missing widget
 * bundle, or a source file that lost its hub URL placeholder; nothing is written before the inputs are checked.
 */
export async function buildSalesforcePackage(options: BuildSalesforcePackageOptions): Promise<SalesforcePackageBuild> {
  const hubUrl = readHubOrigin(options.hubUrl);
  const namespace = checkNamespace(options.namespace ?? '');
  const projectDir = resolve(options.projectDir ?? here);
  const outDir = resolve(options.outDir ?? join(repoRoot, 'dist/salesforce'));
  if (isInside(outDir, projectDir) || isInside(projectDir, outDir)) {
    throw new CallsightError('VALIDATION_FAILED', `The output folder must be outside the SFDX source (${projectDir}): pass another --out`);
  }
  let bundlesDir = options.widgetBundlesDir;
  if (bundlesDir === undefined) {
    const widgetsDir = join(repoRoot, 'dist/widgets');
    await ensureWidgetsBuilt(widgetsDir, 'auto');
    bundlesDir = join(widgetsDir, 'salesforce');
  }
  const missing = SALESFORCE_BUNDLE_FILES.filter((file) => !existsSync(join(bundlesDir, file)));
  if (missing.length > 0) {
    throw new CallsightError('VALIDATION_FAILED', `No widget bundle ${missing.join(', ')} in ${bundlesDir}: run npm run build:widgets`);
  }
  const bundle = zipSalesforceBundles(bundlesDir);
  const stamped = HUB_URL_FILES.map((file) => {
    const text = readFileSync(join(projectDir, DEFAULT_SOURCE, file), 'utf8');
    if (!text.includes(HUB_URL_PLACEHOLDER)) {
      throw new CallsightError('VALIDATION_FAILED', `${file} must hold the placeholder ${HUB_URL_PLACEHOLDER} where the hub URL goes`);
    }
    return { file, text: text.split(HUB_URL_PLACEHOLDER).join(escapeXml(hubUrl)) };
  });

  const project = JSON.parse(readFileSync(join(projectDir, 'sfdx-project.json'), 'utf8')) as Record<string, unknown>;
  const apiVersion = String(project.sourceApiVersion);
  if (!/^\d{2,3}\.0$/.test(apiVersion) || Number(apiVersion) < 62) {
    throw new CallsightError('VALIDATION_FAILED', 'sfdx-project.json must set sourceApiVersion to 62.0 or newer');
  }

  rmSync(outDir, { recursive: true, force: true });
  const sourceDir = join(outDir, 'source');
  const packageDir = join(outDir, 'package');
  mkdirSync(sourceDir, { recursive: true });
  writeFileSync(join(sourceDir, 'sfdx-project.json'), `${JSON.stringify({ ...project, namespace }, null, 2)}\n`);
  cpSync(join(projectDir, '.forceignore'), join(sourceDir, '.forceignore'));
  cpSync(join(projectDir, 'force-app'), join(sourceDir, 'force-app'), {
    recursive: true,
    filter: (path) => !path.split(/[\\/]/).includes('__tests__'),
  });
  for (const { file, text } of stamped) writeFileSync(join(sourceDir, DEFAULT_SOURCE, file), text);
  writeFileSync(join(sourceDir, DEFAULT_SOURCE, STATIC_RESOURCE_FILE), bundle);

  const components = ComponentSet.fromSource(join(sourceDir, 'force-app'));
  components.sourceApiVersion = apiVersion;
  components.apiVersion = apiVersion;
  await new MetadataConverter().convert(components, 'metadata', { type: 'directory', outputDirectory: packageDir, genUniqueDir: false });
  if (!existsSync(join(packageDir, 'package.xml'))) {
    throw new CallsightError('INTERNAL', `The conversion wrote no package.xml in ${packageDir}`);
  }
  const names = components
    .toArray()
    .map((component) => `${component.type.name}:${component.fullName}`)
    .sort();
  return { sourceDir, packageDir, hubUrl, components: names };
}

/**
 * The `callsight` static resource: a zip holding each SALESFORCE_BUNDLE_FILES file at its root (what
 * `loadScript(this, CALLSIGHT + '/' + bundleFile)` loads), with a fixed timestamp so the same bundles give the same bytes.
 */
export function zipSalesforceBundles(bundlesDir: string): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const file of SALESFORCE_BUNDLE_FILES) entries[file] = [readFileSync(join(bundlesDir, file)), { mtime: new Date('2000-01-01T00:00:00Z') }];
  return zipSync(entries, { level: 9 });
}

/** The hub's origin (no trailing slash); https only, http for localhost / 127.0.0.1. */
export function readHubOrigin(hubUrl: string): string {
  let url: URL;
  try {
    url = new URL(hubUrl);
  } catch {
    throw new CallsightError('VALIDATION_FAILED', 'The hub URL is not a URL: pass --hub-url https://callsight.example.com');
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new CallsightError('VALIDATION_FAILED', 'The hub URL must use https (http is accepted for localhost only)');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new CallsightError('VALIDATION_FAILED', 'The hub URL must be an origin only, e.g. https://callsight.example.com (no path, query or credentials)');
  }
  if (url.origin === HUB_URL_PLACEHOLDER) {
    throw new CallsightError('VALIDATION_FAILED', 'Pass the real hub URL, not the placeholder');
  }
  return url.origin;
}

/** A Salesforce namespace prefix: 1-15 letters and digits, starting with a letter (empty: no namespace). */
export function checkNamespace(namespace: string): string {
  if (namespace !== '' && !/^[A-Za-z][A-Za-z0-9]{0,14}$/.test(namespace)) {
    throw new CallsightError('VALIDATION_FAILED', 'The namespace must be 1-15 letters or digits starting with a letter (the prefix registered for the package)');
  }
  return namespace;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isInside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/** Files under a folder, relative and sorted (for the CLI summary and tests). */
export function listFiles(dir: string): string[] {
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

function readArg(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index !== -1) return process.argv[index + 1];
  const inline = process.argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const hubUrl = readArg('--hub-url') ?? process.env.HUB_URL;
  if (hubUrl === undefined || hubUrl === '') {
    console.error('build:salesforce needs the hub address: npm run build:salesforce -- --hub-url https://callsight.example.com [--namespace NS] [--out DIR]');
    process.exitCode = 1;
    return;
  }
  const result = await buildSalesforcePackage({ hubUrl, namespace: readArg('--namespace'), outDir: readArg('--out') });
  console.log(`SFDX source: ${relative(process.cwd(), result.sourceDir)}`);
  console.log(`Deployable:  ${relative(process.cwd(), result.packageDir)} (package.xml, ${result.components.length} components, hub ${result.hubUrl})`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
