import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';

/** Purpose under which a tenant's Salesforce JWT signing key (PKCS#8 PEM) is sealed with `keys.sealSecret`. */
export const SALESFORCE_PRIVATE_KEY_PURPOSE = 'salesforce-jwt-key';

/** The oldest REST API version the adapter accepts; jsforce's own default (50.0) is too old for what we use. */
export const MIN_API_VERSION = 62;
export const DEFAULT_API_VERSION = '62.0';

/** API names of the fields of `Call_Recording__c` (manifests/salesforce, issue 14 item 1). */
export interface SalesforceCallFieldNames {
  /** External id, unique: the hub's call id. */
  readonly hubCallId: string;
  readonly startedAt: string;
  readonly durationS: string;
  readonly direction: string;
  readonly agentName: string;
  readonly inquiryType: string;
  /** Text: flag codes joined by ";" (a multi-select picklist takes the same form). */
  readonly flags: string;
  /** Percent (0-100). */
  readonly risk: string;
  readonly score: string;
  /** Picklist `Stored`, `Archived`, `Deleted`. */
  readonly recordingStatus: string;
  /** Text: the customer's emotion label from the analysis. */
  readonly customerEmotion: string;
  /** URL of the record's own page (`/lightning/r/<object>/<Id>/view`), which shows the player; null until the Id is known. */
  readonly appLink: string;
  readonly contact: string;
  readonly account: string;
  readonly lead: string;
}

export const DEFAULT_CALL_FIELDS: SalesforceCallFieldNames = {
  hubCallId: 'Hub_Call_Id__c',
  startedAt: 'Started_At__c',
  durationS: 'Duration_Seconds__c',
  direction: 'Direction__c',
  agentName: 'Agent_Name__c',
  inquiryType: 'Inquiry_Type__c',
  flags: 'Flags__c',
  risk: 'Risk__c',
  score: 'QA_Score__c',
  recordingStatus: 'Recording_Status__c',
  customerEmotion: 'Customer_Emotion__c',
  appLink: 'App_Link__c',
  contact: 'Contact__c',
  account: 'Account__c',
  lead: 'Lead__c',
};

/** API names of the fields of `Call_Evaluation__c` (master-detail to `Call_Recording__c`). */
export interface SalesforceEvaluationFieldNames {
  /** External id, unique: the hub's evaluation id. */
  readonly hubEvaluationId: string;
  /** The master-detail relationship name (`__r`), set through the call record's external id. */
  readonly callRecordingRelationship: string;
  readonly scorecard: string;
  readonly scorecardVersion: string;
  /** Long text: JSON `[{"section","score"}]`. */
  readonly sectionScores: string;
  readonly totalScore: string;
  readonly reviewer: string;
  readonly status: string;
  readonly disputeState: string;
}

export const DEFAULT_EVALUATION_FIELDS: SalesforceEvaluationFieldNames = {
  hubEvaluationId: 'Hub_Evaluation_Id__c',
  callRecordingRelationship: 'Call_Recording__r',
  scorecard: 'Scorecard__c',
  scorecardVersion: 'Scorecard_Version__c',
  sectionScores: 'Section_Scores__c',
  totalScore: 'Total_Score__c',
  reviewer: 'Reviewer__c',
  status: 'Status__c',
  disputeState: 'Dispute_State__c',
};

/**
 * A Contact or Account field read as a customer tag (DOMAIN R-QA-7). `Account.X` on a Contact is read through
 * the Contact's account. A value becomes the tag `label:value`; numbers with `bands` become `label:<band tag>`
 * (the highest band whose `atLeast` the value reaches), so that revenue slices into a few segments.
 */
export interface SalesforceTagField {
  /** `Account.Type`, `Account.AnnualRevenue`, `Contact.Level__c`... */
  readonly field: string;
  /** Defaults to the field name without object and `__c`, lower-cased (`type`, `annualrevenue`, `level`). */
  readonly label?: string;
  readonly bands?: readonly { readonly atLeast: number; readonly tag: string }[];
}

/** One tenant's Salesforce connection, with the private key opened. Never log this object. */
export interface SalesforceConnection {
  /** `https://login.salesforce.com`, `https://test.salesforce.com` or the org's My Domain; the JWT `aud` and the token endpoint. */
  readonly loginUrl: string;
  /** The connected app's consumer key (JWT `iss`). */
  readonly consumerKey: string;
  /** The integration user's username (JWT `sub`); the app must be pre-authorised for this user. */
  readonly username: string;
  /** PKCS#8 PEM of the key whose certificate is uploaded to the connected app. */
  readonly privateKeyPem: string;
  /** REST API version, `62.0` or newer (default 62.0). */
  readonly apiVersion?: string;
  /** Overrides the `instance_url` from the token response (a reverse proxy); https only, http only to loopback. */
  readonly instanceUrl?: string;
  readonly callObject?: string;
  readonly evaluationObject?: string;
  readonly callFields?: Partial<SalesforceCallFieldNames>;
  readonly evaluationFields?: Partial<SalesforceEvaluationFieldNames>;
  readonly tagFields?: readonly (string | SalesforceTagField)[];
  /** Per request (default 30 s). */
  readonly timeoutMs?: number;
  /**
   * Share of the org's daily API allowance (from `Sforce-Limit-Info`) past which the adapter stops and reports a
   * rate limit, leaving the rest to the customer's other integrations (default 0.9).
   */
  readonly apiUsageCeiling?: number;
  /** How long to wait after the daily allowance (or the ceiling) is reached (default 15 min). */
  readonly limitPauseMs?: number;
}

/** Finds a tenant's connection; null when the tenant has none. */
export type SalesforceConnectionResolver = (tenantId: string) => Promise<SalesforceConnection | null> | SalesforceConnection | null;

export interface ResolvedTagField {
  readonly object: 'Account' | 'Contact';
  readonly fieldName: string;
  readonly label: string;
  readonly bands: readonly { readonly atLeast: number; readonly tag: string }[];
}

export interface ResolvedSalesforceConnection {
  readonly loginUrl: string;
  readonly consumerKey: string;
  readonly username: string;
  readonly privateKeyPem: string;
  readonly apiVersion: string;
  readonly instanceUrl: string | null;
  readonly callObject: string;
  readonly evaluationObject: string;
  readonly callFields: SalesforceCallFieldNames;
  readonly evaluationFields: SalesforceEvaluationFieldNames;
  readonly tagFields: readonly ResolvedTagField[];
  readonly timeoutMs: number;
  readonly apiUsageCeiling: number;
  readonly limitPauseMs: number;
}

/** An API name: letters, digits and single underscores, custom names ending in `__c` (or `__r` for relationships). */
const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?:__[cr])?$/;
const CONSUMER_KEY = /^[A-Za-z0-9._]{10,256}$/;
const USERNAME = /^[^\s@]+@[^\s@]+$/;

/**
 * Checks a connection and derives what the client needs. Throws `CallsightError('VALIDATION_FAILED')` naming the
 * bad setting, never its value. Names that end up inside SOSL or URLs (objects, fields) must be plain API names,
 * so no configuration can inject query text.
 */
export function resolveSalesforceConnection(connection: SalesforceConnection): ResolvedSalesforceConnection {
  const fail = (what: string): never => {
    throw new CallsightError('VALIDATION_FAILED', `invalid Salesforce connection: ${what}`);
  };
  const loginUrl = checkHttpsUrl(connection.loginUrl, 'loginUrl', fail);
  const instanceUrl = connection.instanceUrl === undefined ? null : checkHttpsUrl(connection.instanceUrl, 'instanceUrl', fail);
  if (!CONSUMER_KEY.test(connection.consumerKey)) fail('consumerKey must be the connected app consumer key');
  if (!USERNAME.test(connection.username)) fail('username must be the integration user username (user@example.com)');
  if (!/-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/.test(connection.privateKeyPem)) {
    fail('privateKeyPem must be a PKCS#8 PEM ("BEGIN PRIVATE KEY"); convert an RSA key with `openssl pkcs8 -topk8 -nocrypt`');
  }
  const apiVersion = connection.apiVersion ?? DEFAULT_API_VERSION;
  if (!/^\d{2,3}\.0$/.test(apiVersion) || Number(apiVersion) < MIN_API_VERSION) fail(`apiVersion must be ${MIN_API_VERSION}.0 or newer, e.g. "62.0"`);

  const callObject = connection.callObject ?? 'Call_Recording__c';
  const evaluationObject = connection.evaluationObject ?? 'Call_Evaluation__c';
  if (!API_NAME.test(callObject)) fail('callObject must be an API name');
  if (!API_NAME.test(evaluationObject)) fail('evaluationObject must be an API name');
  const callFields = { ...DEFAULT_CALL_FIELDS, ...connection.callFields };
  for (const [name, value] of Object.entries(callFields)) if (!API_NAME.test(value)) fail(`callFields.${name} must be an API name`);
  const evaluationFields = { ...DEFAULT_EVALUATION_FIELDS, ...connection.evaluationFields };
  for (const [name, value] of Object.entries(evaluationFields)) if (!API_NAME.test(value)) fail(`evaluationFields.${name} must be an API name`);

  const tagFields = (connection.tagFields ?? []).map((spec, index) => resolveTagField(spec, index, fail));
  const timeoutMs = connection.timeoutMs ?? 30_000;
  if (!(timeoutMs >= 100 && timeoutMs <= 600_000)) fail('timeoutMs must be between 100 and 600000');
  const apiUsageCeiling = connection.apiUsageCeiling ?? 0.9;
  if (!(apiUsageCeiling > 0 && apiUsageCeiling <= 1)) fail('apiUsageCeiling must be in (0, 1]');
  const limitPauseMs = connection.limitPauseMs ?? 15 * 60_000;
  if (!(limitPauseMs >= 1_000 && limitPauseMs <= 24 * 3_600_000)) fail('limitPauseMs must be between 1 s and 24 h');

  return {
    loginUrl,
    consumerKey: connection.consumerKey,
    username: connection.username,
    privateKeyPem: connection.privateKeyPem,
    apiVersion,
    instanceUrl,
    callObject,
    evaluationObject,
    callFields,
    evaluationFields,
    tagFields,
    timeoutMs,
    apiUsageCeiling,
    limitPauseMs,
  };
}

function resolveTagField(spec: string | SalesforceTagField, index: number, fail: (what: string) => never): ResolvedTagField {
  const field = typeof spec === 'string' ? spec : spec.field;
  const [object, fieldName, extra] = field.split('.');
  if (extra !== undefined || (object !== 'Account' && object !== 'Contact') || fieldName === undefined || !API_NAME.test(fieldName)) {
    return fail(`tagFields[${index}] must be "Account.<Field>" or "Contact.<Field>"`);
  }
  const label = (typeof spec === 'string' ? undefined : spec.label) ?? fieldName.replace(/__c$/, '').replace(/_/g, '').toLowerCase();
  if (!/^[\p{L}\p{N}_-]{1,40}$/u.test(label)) fail(`tagFields[${index}].label must be 1-40 letters, digits, - or _`);
  const bands = [...((typeof spec === 'string' ? undefined : spec.bands) ?? [])].sort((a, b) => a.atLeast - b.atLeast);
  if (bands.some((band) => !Number.isFinite(band.atLeast) || band.tag.trim() === '')) fail(`tagFields[${index}].bands need a finite atLeast and a tag`);
  return { object, fieldName, label, bands };
}

function checkHttpsUrl(value: string, name: string, fail: (what: string) => never): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`${name} must be an absolute URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) fail(`${name} must use https (http only to loopback)`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    fail(`${name} must be an origin only (no path, credentials, query or fragment)`);
  }
  return url.origin;
}

/**
 * A tenant's Salesforce settings as stored in its CRM connection row (`crm = 'salesforce'`, `accountId` = org id,
 * `sealedSecret` = the private key sealed under `SALESFORCE_PRIVATE_KEY_PURPOSE`), the same way the Zendesk
 * connection keeps its API token sealed apart from plain settings.
 */
export const salesforceConnectionSettingsSchema = z
  .object({
    loginUrl: z.url(),
    consumerKey: z.string().min(10).max(256),
    username: z.string().min(3).max(254),
    apiVersion: z.string().regex(/^\d{2,3}\.0$/).optional(),
    instanceUrl: z.url().optional(),
    tagFields: z
      .array(z.union([z.string(), z.object({ field: z.string(), label: z.string().optional(), bands: z.array(z.object({ atLeast: z.number(), tag: z.string() })).optional() }).strict()]))
      .max(20)
      .optional(),
    /** Older settings only; records link to their own Lightning page (recordPageUrl), never to the hub. */
    appLinkBase: z.url().optional(),
  })
  .strict();
export type SalesforceConnectionSettings = z.infer<typeof salesforceConnectionSettingsSchema>;

/** The adapter's connection from stored settings and the opened private key. */
export function toSalesforceConnection(settings: SalesforceConnectionSettings, privateKeyPem: string): SalesforceConnection {
  return {
    loginUrl: settings.loginUrl,
    consumerKey: settings.consumerKey,
    username: settings.username,
    privateKeyPem,
    ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
    ...(settings.instanceUrl ? { instanceUrl: settings.instanceUrl } : {}),
    ...(settings.tagFields ? { tagFields: settings.tagFields } : {}),
  };
}
