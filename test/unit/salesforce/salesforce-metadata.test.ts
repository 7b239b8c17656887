import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { DEFAULT_CALL_FIELDS, DEFAULT_EVALUATION_FIELDS } from '../../../adapters/crm/salesforce/salesforce.config';
import { SALESFORCE_PERMISSION_SET_ROLES } from '../../../core/api/salesforce-session.api';
import { SALESFORCE_COMPONENT_NAMES, SALESFORCE_COMPONENTS, salesforceBundleFile } from '../../../widgets/hosts/salesforce/salesforce-components';
import { customObjects, list, listFiles, METADATA_NS, namesIn, PROJECT_DIR, readFields, readMetadata, SOURCE_DIR, text } from './salesforce-source';

const STANDARD_FIELDS: Record<string, readonly string[]> = {
  Contact: ['Name', 'AccountId', 'Title', 'Phone', 'MobilePhone', 'Email', 'OwnerId'],
  Account: ['Name', 'Type', 'Industry', 'Phone', 'Rating', 'AnnualRevenue', 'OwnerId'],
  Lead: ['Name', 'Company', 'Status', 'Phone', 'MobilePhone', 'Email', 'OwnerId'],
  Case: ['CaseNumber', 'ContactId', 'AccountId', 'Subject', 'Status', 'Priority', 'Origin', 'OwnerId'],
};
const STANDARD_OBJECTS = ['Contact', 'Account', 'Lead', 'Case', 'User'];
const xmlFiles = listFiles(SOURCE_DIR).filter((file) => file.endsWith('.xml') && !file.includes('__tests__/'));
const objects = customObjects();
const fieldsOf = new Map(objects.map((object) => [object, readFields(object)]));
const permissionSets = namesIn('permissionsets', '.permissionset-meta.xml');

function fieldExists(object: string, field: string): boolean {
  if (field === 'Name' || field === 'NAME') return true;
  if (fieldsOf.get(object)?.has(field)) return true;
  return (STANDARD_FIELDS[object] ?? []).includes(field);
}

function apiVersionOf(file: string): number {
  return Number(text(readMetadata(join(SOURCE_DIR, file)).body.apiVersion));
}

describe('Salesforce package metadata', () => {
  it.each(xmlFiles)('%s is well-formed metadata XML', (file) => {
    const source = readFileSync(join(SOURCE_DIR, file), 'utf8');
    expect(XMLValidator.validate(source)).toBe(true);
    expect(source).toContain(`xmlns="${METADATA_NS}"`);
  });

  it('declares a namespace key and API version 62.0 or newer in sfdx-project.json, and keeps Jest suites out of deploys', () => {
    const project = JSON.parse(readFileSync(join(PROJECT_DIR, 'sfdx-project.json'), 'utf8')) as { namespace?: unknown; sourceApiVersion: string; packageDirectories: { path: string }[] };
    expect(typeof project.namespace).toBe('string');
    expect(Number(project.sourceApiVersion)).toBeGreaterThanOrEqual(62);
    expect(project.packageDirectories.map((dir) => dir.path)).toEqual(['force-app']);
    expect(readFileSync(join(PROJECT_DIR, '.forceignore'), 'utf8').split('\n')).toContain('**/__tests__/**');
    const versioned = xmlFiles.filter((file) => file.endsWith('.cls-meta.xml') || file.endsWith('.js-meta.xml'));
    expect(versioned.length).toBeGreaterThan(0);
    for (const file of versioned) expect(apiVersionOf(file), file).toBeGreaterThanOrEqual(62);
  });

  it('has every Call_Recording__c field the Salesforce adapter writes, with Hub_Call_Id__c as a unique external id and Name as an Auto Number', () => {
    const fields = fieldsOf.get('Call_Recording__c')!;
    for (const name of Object.values(DEFAULT_CALL_FIELDS)) expect(fields.has(name), name).toBe(true);
    expect(fields.get('Hub_Call_Id__c')!.body).toMatchObject({ externalId: 'true', unique: 'true', type: 'Text' });
    const object = readMetadata(join(SOURCE_DIR, 'objects/Call_Recording__c/Call_Recording__c.object-meta.xml')).body;
    expect(object.nameField).toMatchObject({ type: 'AutoNumber' });
    const direction = fields.get('Direction__c')!.body as { valueSet: { valueSetDefinition: { value: { fullName: string }[] } } };
    expect(direction.valueSet.valueSetDefinition.value.map((v) => v.fullName)).toEqual(['Inbound', 'Outbound']);
    const lookups = Object.fromEntries([...fields.values()].filter((f) => f.body.type === 'Lookup').map((f) => [f.name, f.body.referenceTo]));
    expect(lookups).toEqual({ Contact__c: 'Contact', Account__c: 'Account', Lead__c: 'Lead', Case__c: 'Case' });
  });

  it('has every Call_Evaluation__c field the adapter writes, a master-detail to Call_Recording__c behind Call_Recording__r, and an Auto Number name', () => {
    const fields = fieldsOf.get('Call_Evaluation__c')!;
    const { callRecordingRelationship, ...plain } = DEFAULT_EVALUATION_FIELDS;
    for (const name of Object.values(plain)) expect(fields.has(name), name).toBe(true);
    const master = fields.get(callRecordingRelationship.replace(/__r$/, '__c'))!;
    expect(master.body).toMatchObject({ type: 'MasterDetail', referenceTo: 'Call_Recording__c' });
    expect(fields.get('Hub_Evaluation_Id__c')!.body).toMatchObject({ externalId: 'true', unique: 'true' });
    const object = readMetadata(join(SOURCE_DIR, 'objects/Call_Evaluation__c/Call_Evaluation__c.object-meta.xml')).body;
    expect(object).toMatchObject({ sharingModel: 'ControlledByParent', nameField: { type: 'AutoNumber' } });
  });

  it('points every lookup and master-detail at an object that exists', () => {
    for (const [object, fields] of fieldsOf) {
      for (const field of fields.values()) {
        if (field.body.type !== 'Lookup' && field.body.type !== 'MasterDetail') continue;
        const target = text(field.body.referenceTo);
        expect(STANDARD_OBJECTS.includes(target) || objects.includes(target), `${object}.${field.name} -> ${target}`).toBe(true);
        expect(text(field.body.relationshipName), `${object}.${field.name}`).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      }
    }
  });

  it('lays out only fields that exist, and the Contact, Account, Lead and Case layouts list their call recordings', () => {
    const relatedBy = new Map<string, string>();
    for (const file of namesIn('layouts', '.layout-meta.xml')) {
      const object = file.split('-')[0]!;
      const body = readMetadata(join(SOURCE_DIR, 'layouts', `${file}.layout-meta.xml`)).body;
      for (const section of list<{ layoutColumns?: unknown }>(body.layoutSections)) {
        for (const column of list<{ layoutItems?: unknown }>(section.layoutColumns)) {
          for (const item of list<{ field: string }>(column.layoutItems)) expect(fieldExists(object, item.field), `${file}: ${item.field}`).toBe(true);
        }
      }
      for (const related of list<{ relatedList: string; fields?: unknown }>(body.relatedLists)) {
        const [child, field] = related.relatedList.split('.') as [string, string];
        const relation = fieldsOf.get(child)?.get(field);
        expect(relation, `${file}: ${related.relatedList}`).toBeDefined();
        expect(relation!.body.referenceTo, `${file}: ${related.relatedList}`).toBe(object);
        for (const column of list<string>(related.fields)) expect(fieldExists(child, column), `${file}: ${child}.${column}`).toBe(true);
        relatedBy.set(object, related.relatedList);
      }
    }
    expect(Object.fromEntries(relatedBy)).toMatchObject({
      Contact: 'Call_Recording__c.Contact__c',
      Account: 'Call_Recording__c.Account__c',
      Lead: 'Call_Recording__c.Lead__c',
      Case: 'Call_Recording__c.Case__c',
      Call_Recording__c: 'Call_Evaluation__c.Call_Recording__c',
    });
  });

  it('shows only existing fields in list views', () => {
    for (const object of objects) {
      const views = listFiles(join(SOURCE_DIR, 'objects', object)).filter((file) => file.startsWith('listViews/'));
      if (object.endsWith('__mdt')) continue;
      expect(views.length, object).toBeGreaterThan(0);
      for (const view of views) {
        const body = readMetadata(join(SOURCE_DIR, 'objects', object, view)).body;
        for (const column of list<string>(body.columns)) expect(fieldExists(object, column), `${view}: ${column}`).toBe(true);
        for (const filter of list<{ field: string }>(body.filters)) expect(fieldExists(object, filter.field), `${view}: ${filter.field}`).toBe(true);
      }
    }
  });

  it('ships the four permission sets, each naming the hub role it grants', () => {
    expect(permissionSets).toEqual(Object.keys(SALESFORCE_PERMISSION_SET_ROLES).sort());
    for (const [name, role] of Object.entries(SALESFORCE_PERMISSION_SET_ROLES)) {
      const body = readMetadata(join(SOURCE_DIR, `permissionsets/${name}.permissionset-meta.xml`)).body;
      expect(text(body.description), name).toContain(`Hub role: ${role}.`);
    }
  });

  it.each(permissionSets)('%s references only fields, classes, permissions, tabs and credentials that exist', (name) => {
    const body = readMetadata(join(SOURCE_DIR, `permissionsets/${name}.permissionset-meta.xml`)).body;
    const userFields = readFields('User');
    for (const permission of list<{ field: string; editable: string }>(body.fieldPermissions)) {
      const [object, field] = permission.field.split('.') as [string, string];
      const def = object === 'User' ? userFields.get(field) : fieldsOf.get(object)?.get(field);
      expect(def, permission.field).toBeDefined();
      expect(def!.body.type, `${permission.field}: master-detail fields take no field permission`).not.toBe('MasterDetail');
      expect(def!.body.required === 'true', `${permission.field}: required fields take no field permission`).toBe(false);
      if (def!.body.formula !== undefined) expect(permission.editable, `${permission.field} is a formula`).toBe('false');
    }
    for (const access of list<{ object: string }>(body.objectPermissions)) expect(objects, access.object).toContain(access.object);
    const classes = namesIn('classes', '.cls');
    for (const access of list<{ apexClass: string }>(body.classAccesses)) expect(classes).toContain(access.apexClass);
    const customPermissions = namesIn('customPermissions', '.customPermission-meta.xml');
    const granted = list<{ name: string; enabled: string }>(body.customPermissions);
    expect(granted).toHaveLength(1);
    expect(customPermissions).toContain(granted[0]!.name);
    const tabs = namesIn('tabs', '.tab-meta.xml');
    for (const setting of list<{ tab: string }>(body.tabSettings)) expect(tabs).toContain(setting.tab);
    for (const access of list<{ name: string }>(body.customMetadataTypeAccesses)) expect(objects).toContain(access.name);
    const principals = namesIn('externalCredentials', '.externalCredential-meta.xml').flatMap((credential) =>
      list<{ principalName: string }>(readMetadata(join(SOURCE_DIR, `externalCredentials/${credential}.externalCredential-meta.xml`)).body.principals).map(
        (principal) => `${credential}-${principal.principalName}`,
      ),
    );
    const principalAccess = list<{ externalCredentialPrincipal: string }>(body.externalCredentialPrincipalAccesses);
    expect(principalAccess.length).toBe(1);
    for (const access of principalAccess) expect(principals).toContain(access.externalCredentialPrincipal);
  });

  it('gives Callsight_Admin full access to every custom object and every field, and the other sets read-only access', () => {
    const adminBody = readMetadata(join(SOURCE_DIR, 'permissionsets/Callsight_Admin.permissionset-meta.xml')).body;
    const adminObjects = new Map(list<Record<string, string>>(adminBody.objectPermissions).map((p) => [p.object, p]));
    for (const object of objects.filter((name) => name.endsWith('__c'))) {
      expect(adminObjects.get(object), object).toMatchObject({
        allowCreate: 'true', allowDelete: 'true', allowEdit: 'true', allowRead: 'true', modifyAllRecords: 'true', viewAllRecords: 'true',
      });
      const permitted = new Set(list<{ field: string }>(adminBody.fieldPermissions).map((p) => p.field));
      for (const field of fieldsOf.get(object)!.values()) {
        if (field.body.type === 'MasterDetail') continue;
        expect(permitted.has(`${object}.${field.name}`), `${object}.${field.name}`).toBe(true);
      }
    }
    for (const name of permissionSets.filter((set) => set !== 'Callsight_Admin')) {
      const body = readMetadata(join(SOURCE_DIR, `permissionsets/${name}.permissionset-meta.xml`)).body;
      for (const access of list<Record<string, string>>(body.objectPermissions)) {
        expect(access, `${name} ${access.object}`).toMatchObject({ allowRead: 'true', allowCreate: 'false', allowEdit: 'false', allowDelete: 'false', modifyAllRecords: 'false' });
      }
      for (const permission of list<{ field: string; editable: string }>(body.fieldPermissions)) expect(permission.editable, `${name} ${permission.field}`).toBe('false');
    }
  });

  it('ships the widget bundles as one zip static resource, each component loading its own bundle from it', () => {
    expect(namesIn('staticresources', '.resource-meta.xml')).toEqual(['callsight']);
    expect(readMetadata(join(SOURCE_DIR, 'staticresources/callsight.resource-meta.xml')).body).toMatchObject({ contentType: 'application/zip' });
    const base = readFileSync(join(SOURCE_DIR, 'lwc/callsightElement/callsightElement.js'), 'utf8');
    expect(base).toContain("from '@salesforce/resourceUrl/callsight'");
    expect(base).toContain("loadScript(this, CALLSIGHT + '/' + this.bundleFile)");
    const map = /export const BUNDLE_FILES = (\{[^}]*\})/.exec(base)?.[1];
    const files = Object.fromEntries([...(map ?? '').matchAll(/(\w+): '([^']+)'/g)].map((m) => [m[1]!, m[2]!]));
    expect(files).toEqual(Object.fromEntries(SALESFORCE_COMPONENT_NAMES.map((name) => [name, salesforceBundleFile(name)])));
  });

  it('calls only Apex methods that exist and are @AuraEnabled', () => {
    const lwcFiles = listFiles(join(SOURCE_DIR, 'lwc')).filter((file) => file.endsWith('.js') && !file.includes('__tests__/'));
    const imports = lwcFiles.flatMap((file) => [...readFileSync(join(SOURCE_DIR, 'lwc', file), 'utf8').matchAll(/'@salesforce\/apex\/(\w+)\.(\w+)'/g)].map((m) => [m[1]!, m[2]!] as const));
    expect(imports.length).toBeGreaterThan(0);
    for (const [className, method] of imports) {
      const source = readFileSync(join(SOURCE_DIR, `classes/${className}.cls`), 'utf8');
      expect(source, `${className}.${method}`).toMatch(new RegExp(`@AuraEnabled\\s+public\\s+static\\s+\\w+\\s+${method}\\s*\\(`));
    }
  });

  it('exposes call history on Contact, Account, Lead and Case pages, the review panel on Case and insights, admin setup, my calls and training on App pages', () => {
    const exposed: Record<string, unknown> = {};
    for (const name of listFiles(join(SOURCE_DIR, 'lwc')).filter((file) => file.endsWith('.js-meta.xml'))) {
      const body = readMetadata(join(SOURCE_DIR, 'lwc', name)).body;
      if (body.isExposed !== 'true') continue;
      const configs = list<{ objects?: { object: unknown } }>((body.targetConfigs as { targetConfig?: unknown } | undefined)?.targetConfig);
      exposed[name.split('/')[0]!] = { targets: list<string>((body.targets as { target: unknown }).target), objects: configs.flatMap((c) => list<string>(c.objects?.object)) };
      const template = readFileSync(join(SOURCE_DIR, 'lwc', name.replace('.js-meta.xml', '.html')), 'utf8');
      expect(template, name).toMatch(/<div class=\{containerClass\} lwc:dom="manual"><\/div>/);
    }
    expect(exposed).toEqual({
      callsightCallHistory: { targets: ['lightning__RecordPage'], objects: ['Contact', 'Account', 'Lead', 'Case'] },
      callsightReviewPanel: { targets: ['lightning__RecordPage'], objects: ['Case'] },
      callsightInsights: { targets: ['lightning__AppPage'], objects: [] },
      callsightAdminSetup: { targets: ['lightning__AppPage'], objects: [] },
      callsightMyCalls: { targets: ['lightning__AppPage'], objects: [] },
      callsightTraining: { targets: ['lightning__AppPage'], objects: [] },
    });
    for (const component of Object.keys(SALESFORCE_COMPONENTS)) expect(Object.keys(exposed), component).toContain(component);
  });

  it('connects the Named Credential to its External Credential, and keeps the hub URL placeholder in the three stamped files', () => {
    const named = readMetadata(join(SOURCE_DIR, 'namedCredentials/Callsight_Hub.namedCredential-meta.xml')).body;
    const parameters = list<Record<string, string>>(named.namedCredentialParameters);
    const auth = parameters.find((p) => p.parameterType === 'Authentication');
    expect(namesIn('externalCredentials', '.externalCredential-meta.xml')).toContain(auth?.externalCredential);
    expect(parameters.find((p) => p.parameterType === 'Url')?.parameterValue).toBe('https://callsight-hub.invalid');
    const csp = readMetadata(join(SOURCE_DIR, 'cspTrustedSites/Callsight_Hub.cspTrustedSite-meta.xml')).body;
    expect(csp).toMatchObject({ endpointUrl: 'https://callsight-hub.invalid', isActive: 'true', isApplicableToConnectSrc: 'true', isApplicableToMediaSrc: 'true' });
    const setting = readMetadata(join(SOURCE_DIR, 'customMetadata/Callsight_Setting.Default.md-meta.xml')).body;
    const hubUrl = list<{ field: string; value: { '#text': string }[] }>(setting.values).find((v) => v.field === 'Hub_Url__c');
    expect(hubUrl?.value[0]?.['#text']).toBe('https://callsight-hub.invalid');
    for (const field of list<{ field: string }>(setting.values)) expect(fieldsOf.get('Callsight_Setting__mdt')!.has(field.field)).toBe(true);
  });
});
