import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SALESFORCE_BUNDLE_FILES } from '../../../widgets/hosts/salesforce/salesforce-components';
import { buildSalesforcePackage, HUB_URL_FILES, HUB_URL_PLACEHOLDER, type SalesforcePackageBuild } from '../../../manifests/salesforce/build';
import { list, listFiles, PROJECT_DIR, readMetadata, SOURCE_DIR, xmlParser } from './salesforce-source';

const HUB = 'https://callsight.example.com';
/** A stand-in IIFE per bundle file, each telling which file it is. */
const bundleText = (file: string) => `(function(){/* ${file} */globalThis.Callsight=globalThis.Callsight||{};})();\n`;

function hashTree(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex');
}

/** What each committed source file declares, as `Type:Name` the way package.xml lists it. */
function expectedMembers(): string[] {
  const members = new Set<string>();
  for (const file of listFiles(SOURCE_DIR).filter((f) => !f.includes('__tests__/'))) {
    const parts = file.split('/');
    const [folder] = parts;
    const base = parts[parts.length - 1]!;
    const strip = (suffix: string) => base.slice(0, -suffix.length);
    if (folder === 'classes' && base.endsWith('.cls')) members.add(`ApexClass:${strip('.cls')}`);
    else if (folder === 'objects' && parts.length === 3) members.add(`CustomObject:${strip('.object-meta.xml')}`);
    else if (folder === 'objects' && parts[2] === 'fields') members.add(`CustomField:${parts[1]}.${strip('.field-meta.xml')}`);
    else if (folder === 'objects' && parts[2] === 'listViews') members.add(`ListView:${parts[1]}.${strip('.listView-meta.xml')}`);
    else if (folder === 'layouts') members.add(`Layout:${strip('.layout-meta.xml')}`);
    else if (folder === 'permissionsets') members.add(`PermissionSet:${strip('.permissionset-meta.xml')}`);
    else if (folder === 'customPermissions') members.add(`CustomPermission:${strip('.customPermission-meta.xml')}`);
    else if (folder === 'staticresources' && base.endsWith('-meta.xml')) members.add(`StaticResource:${strip('.resource-meta.xml')}`);
    else if (folder === 'cspTrustedSites') members.add(`CspTrustedSite:${strip('.cspTrustedSite-meta.xml')}`);
    else if (folder === 'namedCredentials') members.add(`NamedCredential:${strip('.namedCredential-meta.xml')}`);
    else if (folder === 'externalCredentials') members.add(`ExternalCredential:${strip('.externalCredential-meta.xml')}`);
    else if (folder === 'customMetadata') members.add(`CustomMetadata:${strip('.md-meta.xml')}`);
    else if (folder === 'tabs') members.add(`CustomTab:${strip('.tab-meta.xml')}`);
    else if (folder === 'lwc') members.add(`LightningComponentBundle:${parts[1]}`);
  }
  return [...members].sort();
}

describe('npm run build:salesforce', () => {
  let work: string;
  let bundlePath: string;
  let build: SalesforcePackageBuild;
  let committedBefore: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'callsight-sf-'));
    bundlePath = join(work, 'bundles');
    mkdirSync(bundlePath);
    for (const file of SALESFORCE_BUNDLE_FILES) writeFileSync(join(bundlePath, file), bundleText(file));
    writeFileSync(join(bundlePath, 'stray.iife.js'), 'not shipped');
    committedBefore = hashTree(PROJECT_DIR);
    build = await buildSalesforcePackage({ hubUrl: `${HUB}/`, namespace: 'callsight', outDir: join(work, 'out'), widgetBundlesDir: bundlePath });
  }, 120_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('writes a package.xml that lists every component of the source, at the source API version', () => {
    const pkg = xmlParser.parse(readFileSync(join(build.packageDir, 'package.xml'), 'utf8')) as { Package: { types: { name: string; members: string[] }[]; version: string } };
    const listed = pkg.Package.types.flatMap((type) => list<string>(type.members).map((member) => `${type.name}:${member}`)).sort();
    expect(listed).toEqual(expectedMembers());
    expect(pkg.Package.version).toBe('62.0');
  });

  it('stamps the hub URL into the CSP trusted site, the Named Credential and the setting, in the source and the package', () => {
    expect(build.hubUrl).toBe(HUB);
    for (const file of HUB_URL_FILES) {
      const stamped = readFileSync(join(build.sourceDir, 'force-app/main/default', file), 'utf8');
      expect(stamped, file).toContain(HUB);
      expect(stamped, file).not.toContain(HUB_URL_PLACEHOLDER);
    }
    expect(readMetadata(join(build.packageDir, 'cspTrustedSites/Callsight_Hub.cspTrustedSite')).body.endpointUrl).toBe(HUB);
    const named = readMetadata(join(build.packageDir, 'namedCredentials/Callsight_Hub.namedCredential')).body;
    expect(list<Record<string, string>>(named.namedCredentialParameters).find((p) => p.parameterType === 'Url')?.parameterValue).toBe(HUB);
    expect(readFileSync(join(build.packageDir, 'customMetadata/Callsight_Setting.Default.md'), 'utf8')).toContain(`>${HUB}<`);
  });

  it('zips every component bundle and the chart runtime (and nothing else) as the callsight static resource, writes the namespace and leaves the Jest suites out', () => {
    const unzipText = (bytes: Uint8Array) =>
      Object.fromEntries(Object.entries(unzipSync(bytes)).map(([name, content]) => [name, Buffer.from(content).toString('utf8')]));
    const expected = Object.fromEntries(SALESFORCE_BUNDLE_FILES.map((file) => [file, bundleText(file)]));
    expect(Object.keys(expected)).toHaveLength(7);
    expect(Object.keys(expected)).toContain('callsight-charts.iife.js');
    expect(unzipText(readFileSync(join(build.sourceDir, 'force-app/main/default/staticresources/callsight.zip')))).toEqual(expected);
    expect(unzipText(readFileSync(join(build.packageDir, 'staticresources/callsight.resource')))).toEqual(expected);
    expect(readMetadata(join(build.packageDir, 'staticresources/callsight.resource-meta.xml')).body).toMatchObject({ contentType: 'application/zip' });
    expect(JSON.parse(readFileSync(join(build.sourceDir, 'sfdx-project.json'), 'utf8')).namespace).toBe('callsight');
    expect(listFiles(build.sourceDir).filter((file) => file.includes('__tests__'))).toEqual([]);
    expect(listFiles(build.packageDir).filter((file) => file.includes('__tests__'))).toEqual([]);
  });

  it('never modifies the committed source', () => {
    expect(hashTree(PROJECT_DIR)).toBe(committedBefore);
    expect(existsSync(join(SOURCE_DIR, 'staticresources/callsight.zip'))).toBe(false);
  });

  it.each([
    ['an http hub that is not local', { hubUrl: 'http://callsight.example.com' }, /must use https/],
    ['a hub URL with a path', { hubUrl: 'https://callsight.example.com/api' }, /origin only/],
    ['not a URL', { hubUrl: 'callsight' }, /not a URL/],
    ['the placeholder itself', { hubUrl: HUB_URL_PLACEHOLDER }, /real hub URL/],
    ['a namespace with underscores', { hubUrl: HUB, namespace: 'call_sight' }, /namespace/],
    ['an output folder inside the source', { hubUrl: HUB, outDir: join(PROJECT_DIR, 'out') }, /outside the SFDX source/],
  ])('refuses %s and writes nothing', async (_what, options, message) => {
    const outDir = 'outDir' in options ? options.outDir : join(work, 'refused');
    await expect(buildSalesforcePackage({ widgetBundlesDir: bundlePath, ...options, outDir })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(message) });
    expect(existsSync(outDir)).toBe(false);
  });

  it('refuses a missing widget bundle', async () => {
    await expect(buildSalesforcePackage({ hubUrl: HUB, outDir: join(work, 'nobundle'), widgetBundlesDir: join(work, 'missing') })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(existsSync(join(work, 'nobundle'))).toBe(false);
  });
});
