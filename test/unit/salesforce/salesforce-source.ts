/**
 * Reads the committed SFDX project under manifests/salesforce for the metadata tests: every metadata XML file
 * parsed (arrays where Salesforce allows repeats), the objects with their fields and list views, and helpers
 * naming what each file declares.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export const PROJECT_DIR = join(import.meta.dirname, '../../../manifests/salesforce');
export const SOURCE_DIR = join(PROJECT_DIR, 'force-app/main/default');
export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

const ALWAYS_ARRAYS = new Set([
  'fields', 'listViews', 'layoutSections', 'layoutColumns', 'layoutItems', 'relatedLists', 'columns', 'filters', 'value',
  'fieldPermissions', 'objectPermissions', 'classAccesses', 'customPermissions', 'tabSettings', 'externalCredentialPrincipalAccesses',
  'customMetadataTypeAccesses', 'namedCredentialParameters', 'principals', 'target', 'targetConfig', 'values', 'types', 'members',
]);

export const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (name) => ALWAYS_ARRAYS.has(name),
});

/** Every file under `dir`, relative with forward slashes, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** The document element's name and body of a metadata XML file. */
export function readMetadata(path: string): { root: string; body: Record<string, unknown> } {
  const parsed = xmlParser.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const root = Object.keys(parsed).find((key) => key !== '?xml');
  if (root === undefined) throw new Error(`${path} has no document element`);
  return { root, body: (parsed[root] ?? {}) as Record<string, unknown> };
}

export interface FieldDef {
  readonly object: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

export function readFields(object: string): Map<string, FieldDef> {
  const dir = join(SOURCE_DIR, 'objects', object, 'fields');
  const fields = new Map<string, FieldDef>();
  for (const file of readdirSync(dir)) {
    const name = file.replace(/\.field-meta\.xml$/, '');
    fields.set(name, { object, name, body: readMetadata(join(dir, file)).body });
  }
  return fields;
}

export function customObjects(): string[] {
  return readdirSync(join(SOURCE_DIR, 'objects')).filter((name) => name.endsWith('__c') || name.endsWith('__mdt'));
}

export function namesIn(folder: string, suffix: string): string[] {
  return readdirSync(join(SOURCE_DIR, folder))
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();
}

export function text(value: unknown): string {
  return typeof value === 'string' ? value : String(value ?? '');
}

export function list<T = Record<string, unknown>>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}
