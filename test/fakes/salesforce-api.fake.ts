/**
 * An in-memory Salesforce org for msw: the OAuth token endpoint (JWT bearer), the REST API's Search, Composite
 * Batch and sObject Collections upsert, and Bulk API 2.0 ingest, shaped as Salesforce documents them (each handler
 * cites its page). It keeps Contacts, Accounts, Leads and custom records by external id, counts requests and API
 * usage (`Sforce-Limit-Info` on every response, one unit per request and per batch subrequest), and can expire
 * sessions, exhaust the daily allowance, reject records by rule and inject outages.
 *
 * Usage: `const fake = createSalesforceFake({...}); server.resetHandlers(...fake.handlers)` with
 * `server.listen({ onUnhandledRequest: fake.onUnhandledRequest })`; assert `fake.unhandledRequests` is empty.
 */
import { generateKeyPairSync } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import { http, HttpResponse, type HttpHandler, type JsonBodyType } from 'msw';
import { parse } from 'csv-parse/sync';

export const FAKE_LOGIN_URL = 'https://login.salesforce.com';
export const FAKE_INSTANCE_URL = 'https://acme.my.salesforce.com';
export const FAKE_CONSUMER_KEY = '3MVG9callsightFakeConsumerKey000001';
export const FAKE_USERNAME = 'integration@acme.example';

/** An RSA key pair as a connected app holds it: the private key for the hub, the public (certificate) key for the org. */
export function generateSalesforceKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface SalesforceFakeOptions {
  readonly publicKeyPem: string;
  readonly loginUrl?: string;
  readonly instanceUrl?: string;
  readonly consumerKey?: string;
  readonly username?: string;
  /** The org's daily API allowance (default 100,000). */
  readonly apiLimit?: number;
  /** Custom objects and their fields (the external id fields among them); writing another field is INVALID_FIELD. */
  readonly objects?: Record<string, { readonly externalId: string; readonly fields: readonly string[]; readonly idPrefix: string }>;
  /** Status polls a Bulk job answers `InProgress` before `JobComplete` (default 1). */
  readonly bulkPollsUntilComplete?: number;
  /** The fake's clock for JWT `exp` checks (default the system clock). */
  readonly now?: () => Date;
}

export const DEFAULT_FAKE_OBJECTS = {
  Call_Recording__c: {
    externalId: 'Hub_Call_Id__c',
    idPrefix: 'a01',
    fields: ['Hub_Call_Id__c', 'Started_At__c', 'Duration_Seconds__c', 'Direction__c', 'Agent_Name__c', 'Inquiry_Type__c', 'Flags__c', 'Risk__c', 'Customer_Emotion__c', 'QA_Score__c', 'Recording_Status__c', 'App_Link__c', 'Contact__c', 'Account__c', 'Lead__c'],
  },
  Call_Evaluation__c: {
    externalId: 'Hub_Evaluation_Id__c',
    idPrefix: 'a02',
    fields: ['Hub_Evaluation_Id__c', 'Call_Recording__c', 'Scorecard__c', 'Scorecard_Version__c', 'Section_Scores__c', 'Total_Score__c', 'Reviewer__c', 'Status__c', 'Dispute_State__c'],
  },
} as const;

export type PersonObject = 'Contact' | 'Account' | 'Lead';

export interface FakePerson {
  readonly Id: string;
  readonly type: PersonObject;
  readonly fields: Record<string, unknown>;
}

export interface FakeRequest {
  readonly method: string;
  /** Path below the host, e.g. `/services/data/v62.0/composite/batch`. */
  readonly path: string;
  readonly search: URLSearchParams;
  readonly authorization: string | null;
  readonly contentType: string | null;
}

export type InjectedFailure = { readonly kind: 'network' } | { readonly kind: 'status'; readonly status: number; readonly body?: JsonBodyType; readonly headers?: Record<string, string> };

interface RecordRule {
  readonly object: string;
  readonly when: (record: Record<string, unknown>) => boolean;
  readonly error: { readonly statusCode: string; readonly message: string; readonly fields: string[] };
}

interface BulkJob {
  id: string;
  object: string;
  externalIdFieldName: string;
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  csv: string | null;
  polls: number;
  successful: Record<string, string>[];
  failed: Record<string, string>[];
  processed: number;
}

export interface SalesforceFake {
  readonly handlers: HttpHandler[];
  readonly requests: FakeRequest[];
  readonly unhandledRequests: string[];
  readonly onUnhandledRequest: (request: Request, print: { error(): void }) => void;
  readonly loginUrl: string;
  readonly instanceUrl: string;
  addPerson(type: PersonObject, fields: Record<string, unknown>): FakePerson;
  /** Custom records of one object, by external id. */
  records(object: string): Map<string, Record<string, unknown>>;
  /** API requests (token requests excluded) and token requests so far. */
  counts(): { api: number; token: number; apiUsage: number };
  /** Every access token issued so far stops working (as when a session times out or is revoked). */
  expireSessions(): void;
  /** Sets the allowance's usage; past `limit` every API request is 403 REQUEST_LIMIT_EXCEEDED. */
  setApiUsage(used: number, limit?: number): void;
  /** Records of `object` for which `when` holds get this error in Collections and Bulk results. */
  rejectRecords(object: string, when: (record: Record<string, unknown>) => boolean, error: { statusCode: string; message: string; fields?: string[] }): void;
  failNext(times: number, failure: InjectedFailure, match?: (request: FakeRequest) => boolean): void;
}

const SESSION_EXPIRED: JsonBodyType = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

/** A Salesforce org in memory. Ids are 18 characters, prefixed by object, deterministic. */
export function createSalesforceFake(options: SalesforceFakeOptions): SalesforceFake {
  const loginUrl = options.loginUrl ?? FAKE_LOGIN_URL;
  const instanceUrl = options.instanceUrl ?? FAKE_INSTANCE_URL;
  const consumerKey = options.consumerKey ?? FAKE_CONSUMER_KEY;
  const username = options.username ?? FAKE_USERNAME;
  const objects: Record<string, { externalId: string; fields: readonly string[]; idPrefix: string }> = options.objects ?? DEFAULT_FAKE_OBJECTS;
  const now = options.now ?? (() => new Date());
  const bulkPolls = options.bulkPollsUntilComplete ?? 1;

  const people = new Map<string, FakePerson>();
  const customRecords = new Map<string, Map<string, Record<string, unknown>>>();
  const jobs = new Map<string, BulkJob>();
  const validTokens = new Set<string>();
  const requests: FakeRequest[] = [];
  const unhandledRequests: string[] = [];
  const injections: { failure: InjectedFailure; remaining: number; match: (r: FakeRequest) => boolean }[] = [];
  const rules: RecordRule[] = [];
  let apiUsed = 0;
  let apiLimit = options.apiLimit ?? 100_000;
  let apiRequests = 0;
  let tokenRequests = 0;
  let sequence = 0;

  const nextId = (prefix: string) => `${prefix}${String(++sequence).padStart(12, '0')}AAA`;
  const limitHeader = () => ({ 'Sforce-Limit-Info': `api-usage=${apiUsed}/${apiLimit}` });
  const json = (body: JsonBodyType, status = 200) => HttpResponse.json(body, { status, headers: limitHeader() });
  const version = (path: string) => /^\/services\/data\/v(\d+\.\d)\//.exec(path)?.[1] ?? null;

  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm (OAuth 2.0 JWT Bearer Flow for
  // Server-to-Server Integration): POST /services/oauth2/token, grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer;
  // iss = consumer key, sub = username, aud = login URL, exp within 3 minutes; errors as {"error", "error_description"}.
  const tokenHandler = http.post(`${loginUrl}/services/oauth2/token`, async ({ request }) => {
    tokenRequests += 1;
    const url = new URL(request.url);
    requests.push({ method: 'POST', path: url.pathname, search: url.searchParams, authorization: null, contentType: request.headers.get('content-type') });
    const injected = takeInjection({ method: 'POST', path: url.pathname, search: url.searchParams, authorization: null, contentType: null });
    if (injected !== null) return injected;
    const form = new URLSearchParams(await request.text());
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return HttpResponse.json({ error: 'unsupported_grant_type', error_description: 'grant type not supported' }, { status: 400 });
    }
    const invalid = (description: string) => HttpResponse.json({ error: 'invalid_grant', error_description: description }, { status: 400 });
    try {
      const key = await importSPKI(options.publicKeyPem, 'RS256');
      const { payload } = await jwtVerify(form.get('assertion') ?? '', key, { algorithms: ['RS256'], currentDate: now() });
      if (payload.iss !== consumerKey) return HttpResponse.json({ error: 'invalid_client_id', error_description: 'client identifier invalid' }, { status: 400 });
      if (payload.sub !== username) return invalid('user hasn\'t approved this consumer');
      if (payload.aud !== loginUrl) return invalid('audience is invalid');
      if (typeof payload.exp !== 'number' || payload.exp * 1000 > now().getTime() + 3 * 60_000) return invalid('expiration time is too far in the future');
    } catch {
      return invalid('invalid assertion');
    }
    const token = `00Dxx0000001gPL!fake.${++sequence}`;
    validTokens.add(token);
    return HttpResponse.json({
      access_token: token,
      scope: 'api',
      instance_url: instanceUrl,
      id: `${loginUrl}/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS`,
      token_type: 'Bearer',
    });
  });

  const takeInjection = (recorded: FakeRequest): Response | null => {
    const injection = injections.find((i) => i.remaining > 0 && i.match(recorded));
    if (injection === undefined) return null;
    injection.remaining -= 1;
    const { failure } = injection;
    return failure.kind === 'network'
      ? (HttpResponse.error() as unknown as Response)
      : HttpResponse.json(failure.body ?? null, { status: failure.status, headers: { ...limitHeader(), ...failure.headers } });
  };

  /** Auth, injected failures, API version and the allowance, for every REST request. */
  const gate = http.all(`${instanceUrl}/*`, ({ request }) => {
    const url = new URL(request.url);
    const recorded: FakeRequest = {
      method: request.method,
      path: url.pathname,
      search: url.searchParams,
      authorization: request.headers.get('authorization'),
      contentType: request.headers.get('content-type'),
    };
    requests.push(recorded);
    apiRequests += 1;
    const injected = takeInjection(recorded);
    if (injected !== null) return injected;
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm: 401 INVALID_SESSION_ID.
    const token = recorded.authorization?.replace(/^Bearer /, '') ?? '';
    if (!validTokens.has(token)) return json(SESSION_EXPIRED, 401);
    const v = version(url.pathname);
    if (v === null || Number(v) < 62) return json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }], 404);
    // 403 REQUEST_LIMIT_EXCEEDED once the org's allowance is spent (same page; "TotalRequests Limit exceeded.").
    if (apiUsed >= apiLimit) return json([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 403);
    apiUsed += 1;
    return undefined;
  });

  const base = `${instanceUrl}/services/data/:version`;

  /** SOSL as the adapter writes it: FIND {"a" OR "b"} IN PHONE FIELDS RETURNING Object(fields), ... */
  const runSearch = (sosl: string): { status: number; body: JsonBodyType } => {
    const match = /^FIND \{(.*)\} IN PHONE FIELDS RETURNING (.+)$/s.exec(sosl);
    if (match === null) return { status: 400, body: [{ message: 'the fake understands FIND {...} IN PHONE FIELDS RETURNING ... only', errorCode: 'MALFORMED_SEARCH' }] };
    const terms = parseSoslTerms(match[1] as string);
    if (terms === null) return { status: 400, body: [{ message: 'unescaped reserved character in search term', errorCode: 'MALFORMED_SEARCH' }] };
    const returning = [...(match[2] as string).matchAll(/(\w+)\(([^)]*)\)/g)].map((m) => ({ object: m[1] as string, fields: (m[2] as string).split(',').map((f) => f.trim()) }));
    const wanted = new Set(terms.map((t) => t.replace(/\D/g, '')).filter((t) => t !== ''));
    const searchRecords: JsonBodyType[] = [];
    for (const { object, fields } of returning) {
      for (const person of people.values()) {
        if (person.type !== object) continue;
        const phones = Object.entries(person.fields).filter(([k]) => /Phone$/.test(k)).map(([, v]) => String(v ?? '').replace(/\D/g, ''));
        if (!phones.some((p) => p !== '' && wanted.has(p))) continue;
        searchRecords.push(projectRecord(person, fields));
      }
    }
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_search.htm: {"searchRecords": [...]}
    return { status: 200, body: { searchRecords } };
  };

  const projectRecord = (person: FakePerson, fields: readonly string[]): JsonBodyType => {
    const out: Record<string, JsonBodyType> = { attributes: { type: person.type, url: `/services/data/v62.0/sobjects/${person.type}/${person.Id}` } };
    for (const field of fields) {
      if (field === 'Id') out.Id = person.Id;
      else if (field.startsWith('Account.')) {
        const account = people.get(String(person.fields.AccountId ?? ''));
        const name = field.slice('Account.'.length);
        if (account === undefined) out.Account = null;
        else {
          const nested: Record<string, JsonBodyType> = (out.Account as Record<string, JsonBodyType> | undefined) ?? {
            attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${account.Id}` },
          };
          nested[name] = (account.fields[name] ?? null) as JsonBodyType;
          out.Account = nested;
        }
      } else out[field] = (person.fields[field] ?? null) as JsonBodyType;
    }
    return out;
  };

  /** One upsert by external id with the validation the fake knows; the UpsertResult of sObject Collections. */
  const upsertOne = (object: string, externalIdField: string, input: Record<string, unknown>): { id?: string; success: boolean; errors: JsonBodyType[]; created?: boolean } => {
    const def = objects[object];
    const fail = (statusCode: string, message: string, fields: string[] = []) => ({ success: false, errors: [{ statusCode, message, fields }] });
    if (def === undefined) return fail('INVALID_TYPE', `sObject type '${object}' is not supported`);
    if (externalIdField !== def.externalId) return fail('INVALID_FIELD', `${externalIdField} is not an external id`, [externalIdField]);
    const externalId = input[externalIdField];
    if (typeof externalId !== 'string' || externalId === '') return fail('REQUIRED_FIELD_MISSING', 'Required fields are missing', [externalIdField]);
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (key === 'attributes') continue;
      if (key.endsWith('__r') && typeof value === 'object' && value !== null) {
        // A relationship set through the parent's external id ("Call_Recording__r": {"Hub_Call_Id__c": "..."}).
        const field = key.replace(/__r$/, '__c');
        const [parentExtField, parentExtId] = Object.entries(value as Record<string, unknown>)[0] ?? [];
        const parentObject = Object.entries(objects).find(([, d]) => d.externalId === parentExtField)?.[0];
        const parent = parentObject === undefined ? undefined : customRecords.get(parentObject)?.get(String(parentExtId));
        if (parent === undefined) return fail('INVALID_FIELD', `Foreign key external ID: ${String(parentExtId)} not found for field ${String(parentExtField)}`, [field]);
        values[field] = parent.Id;
        continue;
      }
      if (!def.fields.includes(key)) return fail('INVALID_FIELD', `No such column '${key}' on sobject of type ${object}`, [key]);
      values[key] = value;
    }
    const table = customRecords.get(object) ?? new Map<string, Record<string, unknown>>();
    customRecords.set(object, table);
    const existing = table.get(externalId);
    const candidate = { ...(existing ?? {}), ...values };
    const rule = rules.find((r) => r.object === object && r.when(candidate));
    if (rule !== undefined) return { success: false, errors: [{ ...rule.error }] };
    const id = (existing?.Id as string | undefined) ?? nextId(def.idPrefix);
    table.set(externalId, { ...candidate, Id: id });
    return { id, success: true, errors: [], created: existing === undefined };
  };

  const handlers: HttpHandler[] = [
    tokenHandler,
    gate,

    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_search.htm (GET /search?q=SOSL)
    http.get(`${base}/search`, ({ request }) => {
      const result = runSearch(new URL(request.url).searchParams.get('q') ?? '');
      return json(result.body, result.status);
    }),

    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_batch.htm
    // (request body: requests_composite_batch.htm; response body: responses_composite_batch.htm). Up to 25
    // subrequests; each counts against the allowance; a failed subrequest has its error array as `result`.
    http.post(`${base}/composite/batch`, async ({ request }) => {
      const body = (await request.json()) as { batchRequests?: { method?: string; url?: string }[] };
      const subrequests = body.batchRequests;
      if (!Array.isArray(subrequests) || subrequests.length === 0 || subrequests.length > 25) {
        return json([{ message: 'batchRequests must hold 1 to 25 subrequests', errorCode: 'INVALID_BATCH_REQUEST' }], 400);
      }
      const results: JsonBodyType[] = [];
      for (const sub of subrequests) {
        if (apiUsed >= apiLimit) {
          results.push({ statusCode: 403, result: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
          continue;
        }
        apiUsed += 1;
        const m = /^v(\d+\.\d)\/search\/?\?q=(.*)$/s.exec(sub.url ?? '');
        if (sub.method !== 'GET' || m === null) {
          results.push({ statusCode: 400, result: [{ message: 'the fake batches GET search subrequests only', errorCode: 'INVALID_BATCH_REQUEST' }] });
          continue;
        }
        const search = runSearch(new URLSearchParams(`q=${m[2]}`).get('q') ?? '');
        results.push({ statusCode: search.status, result: search.body });
      }
      return json({ hasErrors: results.some((r) => (r as { statusCode: number }).statusCode >= 400), results });
    }),

    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
    // PATCH /composite/sobjects/{SobjectName}/{ExternalIdFieldName}: up to 200 records with attributes.type; 200 OK
    // with one UpsertResult {id, success, errors: [{statusCode, message, fields}], created} per record, in order.
    http.patch(`${base}/composite/sobjects/:object/:externalIdField`, async ({ request, params }) => {
      const body = (await request.json()) as { allOrNone?: boolean; records?: Record<string, unknown>[] };
      const records = body.records;
      if (!Array.isArray(records) || records.length === 0 || records.length > 200) {
        return json([{ message: 'records must hold 1 to 200 objects', errorCode: 'INVALID_FIELD' }], 400);
      }
      if (records.some((r) => (r.attributes as { type?: unknown } | undefined)?.type !== params.object)) {
        return json([{ message: 'every record needs attributes.type matching the URI', errorCode: 'INVALID_TYPE' }], 400);
      }
      if (body.allOrNone === true) return json([{ message: 'the fake implements allOrNone false only', errorCode: 'INVALID_FIELD' }], 400);
      return json(records.map((r) => upsertOne(String(params.object), String(params.externalIdField), r)));
    }),

    // https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm
    http.post(`${base}/jobs/ingest`, async ({ request, params }) => {
      const body = (await request.json()) as Record<string, unknown>;
      if (body.operation !== 'upsert' || typeof body.object !== 'string' || typeof body.externalIdFieldName !== 'string' || body.contentType !== 'CSV') {
        return json([{ message: 'the fake supports CSV upsert jobs only', errorCode: 'INVALIDJOB' }], 400);
      }
      const job: BulkJob = { id: nextId('750'), object: body.object, externalIdFieldName: body.externalIdFieldName, state: 'Open', csv: null, polls: 0, successful: [], failed: [], processed: 0 };
      jobs.set(job.id, job);
      return json(jobInfo(job, String(params.version)));
    }),

    // https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/upload_job_data.htm: PUT text/csv, 201 Created, once per job.
    http.put(`${base}/jobs/ingest/:jobId/batches`, async ({ request, params }) => {
      const job = jobs.get(String(params.jobId));
      if (job === undefined) return json([{ message: 'job not found', errorCode: 'NOT_FOUND' }], 404);
      if (job.state !== 'Open' || job.csv !== null) return json([{ message: 'job data was already uploaded', errorCode: 'INVALIDJOBSTATE' }], 409);
      if (!(request.headers.get('content-type') ?? '').startsWith('text/csv')) return json([{ message: 'Content-Type must be text/csv', errorCode: 'INVALIDCONTENTTYPE' }], 400);
      job.csv = await request.text();
      return new HttpResponse(null, { status: 201, headers: limitHeader() });
    }),

    // https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/close_job.htm: PATCH {"state": "UploadComplete"}.
    http.patch(`${base}/jobs/ingest/:jobId`, async ({ request, params }) => {
      const job = jobs.get(String(params.jobId));
      if (job === undefined) return json([{ message: 'job not found', errorCode: 'NOT_FOUND' }], 404);
      const body = (await request.json()) as { state?: string };
      if (body.state !== 'UploadComplete' || job.state !== 'Open') return json([{ message: 'invalid state change', errorCode: 'INVALIDJOBSTATE' }], 400);
      job.state = 'UploadComplete';
      return json(jobInfo(job, String(params.version)));
    }),

    // https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_info.htm
    http.get(`${base}/jobs/ingest/:jobId`, ({ params }) => {
      const job = jobs.get(String(params.jobId));
      if (job === undefined) return json([{ message: 'job not found', errorCode: 'NOT_FOUND' }], 404);
      if (job.state === 'UploadComplete' || job.state === 'InProgress') {
        job.state = 'InProgress';
        job.polls += 1;
        if (job.polls > bulkPolls) processJob(job);
      }
      return json(jobInfo(job, String(params.version)));
    }),

    // https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_job_successful_results.htm
    // and get_job_failed_results.htm: CSV with sf__Id, sf__Created (or sf__Error), then the uploaded columns.
    http.get(`${base}/jobs/ingest/:jobId/:kind`, ({ params }) => {
      const job = jobs.get(String(params.jobId));
      const kind = String(params.kind);
      if (job === undefined || (kind !== 'successfulResults' && kind !== 'failedResults')) return json([{ message: 'not found', errorCode: 'NOT_FOUND' }], 404);
      if (job.state !== 'JobComplete') return json([{ message: 'job not complete', errorCode: 'INVALIDJOBSTATE' }], 400);
      const rows = kind === 'successfulResults' ? job.successful : job.failed;
      return new HttpResponse(toCsv(rows), { status: 200, headers: { ...limitHeader(), 'Content-Type': 'text/csv' } });
    }),
  ];

  const processJob = (job: BulkJob) => {
    const rows = parse(job.csv ?? '', { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    for (const row of rows) {
      const input: Record<string, unknown> = { attributes: { type: job.object } };
      for (const [key, value] of Object.entries(row)) input[key] = value === '#N/A' ? null : value;
      const result = upsertOne(job.object, job.externalIdFieldName, input);
      if (result.success) job.successful.push({ sf__Id: result.id as string, sf__Created: String(result.created), ...row });
      else {
        const error = result.errors[0] as { statusCode: string; message: string; fields: string[] };
        job.failed.push({ sf__Id: '', sf__Error: `${error.statusCode}:${error.message}:${error.fields.join(',')} --`, ...row });
      }
    }
    job.processed = rows.length;
    job.state = 'JobComplete';
  };

  const jobInfo = (job: BulkJob, apiVersion: string): JsonBodyType => ({
    id: job.id,
    operation: 'upsert',
    object: job.object,
    createdById: '005xx000001SwiUAAS',
    createdDate: '2026-11-02T10:00:00.000+0000',
    systemModstamp: '2026-11-02T10:00:00.000+0000',
    state: job.state,
    externalIdFieldName: job.externalIdFieldName,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(apiVersion.replace(/^v/, '')),
    jobType: 'V2Ingest',
    contentUrl: `services/data/${apiVersion}/jobs/ingest/${job.id}/batches`,
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
    numberRecordsProcessed: job.processed,
    numberRecordsFailed: job.failed.length,
  });

  return {
    handlers,
    requests,
    unhandledRequests,
    loginUrl,
    instanceUrl,
    onUnhandledRequest(request, print) {
      unhandledRequests.push(`${request.method} ${request.url}`);
      print.error();
    },
    addPerson(type, fields) {
      const prefix = type === 'Contact' ? '003' : type === 'Account' ? '001' : '00Q';
      const person: FakePerson = { Id: nextId(prefix), type, fields: { ...fields } };
      people.set(person.Id, person);
      return person;
    },
    records(object) {
      return customRecords.get(object) ?? new Map();
    },
    counts: () => ({ api: apiRequests, token: tokenRequests, apiUsage: apiUsed }),
    expireSessions() {
      validTokens.clear();
    },
    setApiUsage(used, limit) {
      apiUsed = used;
      if (limit !== undefined) apiLimit = limit;
    },
    rejectRecords(object, when, error) {
      rules.push({ object, when, error: { statusCode: error.statusCode, message: error.message, fields: error.fields ?? [] } });
    },
    failNext(times, failure, match = () => true) {
      injections.push({ failure, remaining: times, match });
    },
  };
}

/**
 * The terms of a SOSL search query joined by OR, unescaped; null when a reserved character appears unescaped
 * outside quotes or a quote is not closed (Salesforce answers MALFORMED_SEARCH). Reserved: ? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_sosl_find.htm
 */
export function parseSoslTerms(query: string): string[] | null {
  const terms: string[] = [];
  let i = 0;
  while (i < query.length) {
    while (query[i] === ' ') i++;
    if (query.startsWith('OR ', i)) {
      i += 3;
      continue;
    }
    if (query[i] !== '"') return null;
    i++;
    let term = '';
    while (i < query.length && query[i] !== '"') {
      if (query[i] === '\\') {
        term += query[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (/[?&|!{}[\]()^~*:'+-]/.test(query[i] as string)) return null;
      term += query[i];
      i++;
    }
    if (query[i] !== '"') return null;
    i++;
    terms.push(term);
  }
  return terms;
}

function toCsv(rows: readonly Record<string, string>[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0] as Record<string, string>);
  const cell = (v: string | undefined) => `"${(v ?? '').replace(/"/g, '""')}"`;
  return `${[columns.map(cell).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}
