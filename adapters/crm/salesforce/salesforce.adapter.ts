import type { CrmAdapter, CrmCallRecord, CrmCustomer, CrmEvaluationRecord, CrmLinkResult } from '../../../core/crm/crm-adapter.port';
import { CrmNotConfiguredError, CrmUnavailableError, isCrmFailure, type CrmFailure } from '../../../core/crm/crm.errors';
import { findAppLinkProblem } from '../../../core/crm/record-call.payload';
import type { CrmLink } from '../../../core/recordings/call';
import type { Clock } from '../../../core/shared/clock.port';
import { CallsightError } from '../../../core/shared/errors';
import { connectionFingerprint, createTenantState, SalesforceClient, type SalesforceTenantState } from './salesforce.client';
import { resolveSalesforceConnection, type ResolvedSalesforceConnection, type ResolvedTagField, type SalesforceConnectionResolver } from './salesforce.config';
import { translateRecordErrors, translateSalesforceError, type SalesforceRecordError } from './salesforce.errors';
import { buildPhoneSearch, PHONE_FIELDS, phoneMatches, type CustomerObject } from './salesforce.sosl';
import { runBulkUpsert, type BulkOptions } from './salesforce.bulk';

/** Composite Batch runs at most 25 subrequests: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_batch.htm */
export const MAX_BATCH_SUBREQUESTS = 25;
/** sObject Collections take at most 200 records: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm */
export const MAX_COLLECTION_RECORDS = 200;

const E164 = /^\+[1-9]\d{6,14}$/;
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A Salesforce person (Contact, Lead) or company (Account) found by phone, with the tags read from its configured fields. */
export interface SalesforceCustomer extends CrmCustomer {
  readonly objectType: CustomerObject;
  /** The Contact's account, or the Account itself; null for a Lead or a Contact without account. */
  readonly accountId: string | null;
  /** `label:value` from the connection's `tagFields` (e.g. `type:Customer - Direct`, `revenue:10M+`), sorted. */
  readonly tags: readonly string[];
}

/** A QA evaluation of a call, as put on `Call_Evaluation__c` (master-detail to the call's `Call_Recording__c`). */
export type SalesforceEvaluationRecord = CrmEvaluationRecord;

/** One call's result in a batch: its links, or the typed failure for that call alone. */
export type SalesforceCallOutcome =
  | { readonly hubCallId: string; readonly ok: true; readonly result: CrmLinkResult; readonly customerTags: readonly string[] }
  | { readonly hubCallId: string; readonly ok: false; readonly error: CrmFailure | CallsightError };

export type SalesforceEvaluationOutcome =
  | { readonly hubEvaluationId: string; readonly ok: true; readonly id: string }
  | { readonly hubEvaluationId: string; readonly ok: false; readonly error: CrmFailure };

/** The Salesforce CrmAdapter with its batch operations. */
export interface SalesforceCrmAdapter extends CrmAdapter {
  readonly crm: 'salesforce';
  /** Several numbers at once (Composite Batch of SOSL searches); the map holds every number asked, null when none matched. */
  findCustomersByPhone(tenantId: string, e164s: readonly string[]): Promise<Map<string, SalesforceCustomer | null>>;
  /**
   * Records many calls with few requests: one lookup per distinct number (batched), then sObject Collections
   * upserts of 200 by `Hub_Call_Id__c`, allOrNone false. Never rejects for a CRM failure: each call gets its own
   * outcome (a record Salesforce refused is CrmRejectedError with its code; when the org paused or failed midway,
   * the calls not yet sent carry that failure). Idempotent like `recordCall`.
   */
  recordCalls(tenantId: string, calls: readonly CrmCallRecord[]): Promise<SalesforceCallOutcome[]>;
  /** Upserts QA evaluations by their external id, 200 a request, each linked to its call record by `Hub_Call_Id__c`. */
  recordEvaluations(tenantId: string, evaluations: readonly SalesforceEvaluationRecord[]): Promise<SalesforceEvaluationOutcome[]>;
  /**
   * Backfill through Bulk API 2.0 ingest (one upsert job per 100,000 calls): for thousands of calls at once,
   * where Collections would spend one request per 200. Same outcomes and idempotence as `recordCalls`.
   */
  backfillCalls(tenantId: string, calls: readonly CrmCallRecord[], options?: BulkOptions): Promise<SalesforceCallOutcome[]>;
  /** Requests sent to this tenant's org by this adapter instance (token requests included). */
  requestCount(tenantId: string): number;
}

export interface SalesforceCrmAdapterOptions {
  readonly resolveConnection: SalesforceConnectionResolver;
  readonly clock?: Clock;
  /** Numbers per SOSL search inside a batch (default 10): 25 x 10 = 250 numbers a request. */
  readonly numbersPerSearch?: number;
  /**
   * How long a lookup result (a customer, or no match) is reused for the same tenant and number (default 5 min;
   * 0 turns the cache off). Repeat callers are common, and each lookup costs part of a request; the price is that a
   * Contact created in Salesforce within that window is linked from the call's next update on, not at once.
   */
  readonly lookupCacheTtlMs?: number;
}

/** Lookup results kept per tenant at most; past it the cache starts over. */
const MAX_CACHED_LOOKUPS = 100_000;

const systemClock: Clock = { now: () => new Date() };

/**
 * Creates the Salesforce adapter. Credentials and sessions are per tenant; the adapter keeps each tenant's access
 * token and observed API allowance in memory (a new process authenticates again, which is one request).
 */
export function createSalesforceCrmAdapter(options: SalesforceCrmAdapterOptions): SalesforceCrmAdapter {
  const clock = options.clock ?? systemClock;
  const numbersPerSearch = options.numbersPerSearch ?? 10;
  if (!Number.isInteger(numbersPerSearch) || numbersPerSearch < 1 || numbersPerSearch > 50) {
    throw new CallsightError('VALIDATION_FAILED', 'numbersPerSearch must be an integer between 1 and 50');
  }
  const lookupTtlMs = options.lookupCacheTtlMs ?? 5 * 60_000;
  if (!(lookupTtlMs >= 0)) throw new CallsightError('VALIDATION_FAILED', 'lookupCacheTtlMs must be >= 0');
  type Entry = { fingerprint: string; state: SalesforceTenantState; lookups: Map<string, { customer: SalesforceCustomer | null; atMs: number }> };
  const states = new Map<string, Entry>();
  const lookupsOf = (client: SalesforceClient) => [...states.values()].find((e) => e.state === client.state)?.lookups ?? null;

  async function connect(tenantId: string): Promise<SalesforceClient> {
    const raw = await options.resolveConnection(tenantId);
    if (raw === null) throw new CrmNotConfiguredError('salesforce');
    const connection = resolveSalesforceConnection(raw);
    const fingerprint = connectionFingerprint(connection);
    let entry = states.get(tenantId);
    if (entry === undefined || entry.fingerprint !== fingerprint) {
      entry = { fingerprint, state: { ...createTenantState(), requests: entry?.state.requests ?? 0 }, lookups: new Map() };
      states.set(tenantId, entry);
    }
    return new SalesforceClient(connection, entry.state, clock);
  }

  async function findCustomers(client: SalesforceClient, e164s: readonly string[]): Promise<Map<string, SalesforceCustomer | null>> {
    const numbers = [...new Set(e164s)];
    for (const n of numbers) if (!E164.test(n)) throw new CallsightError('VALIDATION_FAILED', 'phone number must be E.164, e.g. +14155550123');
    const found = new Map<string, SalesforceCustomer | null>();
    const cache = lookupTtlMs > 0 ? lookupsOf(client) : null;
    const nowMs = clock.now().getTime();
    const missing: string[] = [];
    for (const n of numbers) {
      const hit = cache?.get(n);
      if (hit !== undefined && nowMs - hit.atMs < lookupTtlMs) found.set(n, hit.customer);
      else missing.push(n);
    }
    const returning = returningFields(client.connection);
    const groups = chunk(missing, numbersPerSearch);
    for (const batch of chunk(groups, MAX_BATCH_SUBREQUESTS)) {
      const results = await compositeBatch(
        client,
        'find customers by phone',
        batch.map((group) => ({ method: 'GET', url: `v${client.apiVersion}/search?q=${encodeURIComponent(buildPhoneSearch(group, returning))}` })),
      );
      batch.forEach((group, index) => {
        const records = searchRecordsOf(results[index]);
        for (const e164 of group) {
          const customer = pickCustomer(records, e164, client.connection.tagFields);
          found.set(e164, customer);
          if (cache !== null) {
            if (cache.size >= MAX_CACHED_LOOKUPS) cache.clear();
            cache.set(e164, { customer, atMs: nowMs });
          }
        }
      });
    }
    return found;
  }

  async function recordCalls(tenantId: string, calls: readonly CrmCallRecord[]): Promise<SalesforceCallOutcome[]> {
    const { valid, outcomes } = checkCalls(calls);
    if (valid.length === 0) return orderOutcomes(calls, outcomes);
    let client: SalesforceClient;
    let customers: Map<string, SalesforceCustomer | null>;
    try {
      client = await connect(tenantId);
      customers = await findCustomers(client, phonesOf(valid));
    } catch (error) {
      for (const call of valid) outcomes.set(call.hubCallId, failureOutcome(call.hubCallId, error));
      return orderOutcomes(calls, outcomes);
    }
    const { callObject, callFields } = client.connection;
    let stopped: unknown = null;
    for (const part of chunk(valid, MAX_COLLECTION_RECORDS)) {
      if (stopped !== null) {
        for (const call of part) outcomes.set(call.hubCallId, failureOutcome(call.hubCallId, stopped));
        continue;
      }
      try {
        const results = await upsertCollection(
          client,
          'upsert call records',
          callObject,
          callFields.hubCallId,
          part.map((call) => ({ attributes: { type: callObject }, ...buildCallFields(call, customerOf(customers, call), client.connection, instanceUrlOf(client)) })),
        );
        part.forEach((call, index) => {
          const result = results[index] as UpsertResult;
          const customer = customerOf(customers, call);
          outcomes.set(
            call.hubCallId,
            result.success && typeof result.id === 'string'
              ? { hubCallId: call.hubCallId, ok: true, result: linkResult(client, result.id, customer), customerTags: customer?.tags ?? [] }
              : { hubCallId: call.hubCallId, ok: false, error: translateRecordErrors(result.errors ?? [], 'upsert call record', client.connection.limitPauseMs) },
          );
        });
      } catch (error) {
        stopped = error;
        for (const call of part) outcomes.set(call.hubCallId, failureOutcome(call.hubCallId, error));
      }
    }
    return orderOutcomes(calls, outcomes);
  }

  return {
    crm: 'salesforce',

    async findCustomerByPhone(tenantId, e164) {
      if (!E164.test(e164)) throw new CallsightError('VALIDATION_FAILED', 'phone number must be E.164, e.g. +14155550123');
      const client = await connect(tenantId);
      const customer = (await findCustomers(client, [e164])).get(e164) ?? null;
      return customer === null ? null : toPortCustomer(customer);
    },

    findCustomersByPhone: async (tenantId, e164s) => findCustomers(await connect(tenantId), e164s),

    async recordCall(tenantId, call) {
      const [outcome] = await recordCalls(tenantId, [call]);
      if (outcome === undefined) throw new Error('recordCalls returned no outcome for the call');
      if (!outcome.ok) throw outcome.error;
      return outcome.result;
    },

    recordCalls,

    async recordEvaluations(tenantId, evaluations) {
      const client = await connect(tenantId);
      const { evaluationObject, evaluationFields: f, callFields } = client.connection;
      const outcomes: SalesforceEvaluationOutcome[] = [];
      for (const part of chunk(evaluations, MAX_COLLECTION_RECORDS)) {
        const results = await upsertCollection(
          client,
          'upsert evaluations',
          evaluationObject,
          f.hubEvaluationId,
          part.map((e) => ({
            attributes: { type: evaluationObject },
            [f.hubEvaluationId]: e.hubEvaluationId,
            [f.callRecordingRelationship]: { [callFields.hubCallId]: e.hubCallId },
            [f.scorecard]: e.scorecard,
            [f.scorecardVersion]: e.scorecardVersion,
            [f.sectionScores]: JSON.stringify(e.sectionScores.map((s) => ({ section: s.section, score: s.score }))),
            [f.totalScore]: e.totalScore,
            [f.reviewer]: e.reviewerName,
            [f.status]: e.status,
            [f.disputeState]: e.disputeState,
          })),
        );
        part.forEach((e, index) => {
          const result = results[index] as UpsertResult;
          outcomes.push(
            result.success && typeof result.id === 'string'
              ? { hubEvaluationId: e.hubEvaluationId, ok: true, id: result.id }
              : { hubEvaluationId: e.hubEvaluationId, ok: false, error: translateRecordErrors(result.errors ?? [], 'upsert evaluation', client.connection.limitPauseMs) },
          );
        });
      }
      return outcomes;
    },

    async backfillCalls(tenantId, calls, bulkOptions) {
      const { valid, outcomes } = checkCalls(calls);
      if (valid.length === 0) return orderOutcomes(calls, outcomes);
      try {
        const client = await connect(tenantId);
        const customers = await findCustomers(client, phonesOf(valid));
        const { callObject, callFields } = client.connection;
        const columns = Object.values(callFields);
        const rows = valid.map((call) => buildCallFields(call, customerOf(customers, call), client.connection, instanceUrlOf(client)));
        const results = await runBulkUpsert(client, { object: callObject, externalIdField: callFields.hubCallId, columns, rows }, bulkOptions);
        for (const call of valid) {
          const result = results.get(call.hubCallId);
          const customer = customerOf(customers, call);
          if (result === undefined) {
            outcomes.set(call.hubCallId, { hubCallId: call.hubCallId, ok: false, error: new CrmUnavailableError('salesforce', 'bulk upsert', 'job reported no result for the record') });
          } else if (result.ok) {
            outcomes.set(call.hubCallId, { hubCallId: call.hubCallId, ok: true, result: linkResult(client, result.id, customer), customerTags: customer?.tags ?? [] });
          } else {
            outcomes.set(call.hubCallId, { hubCallId: call.hubCallId, ok: false, error: translateRecordErrors(result.errors, 'bulk upsert', client.connection.limitPauseMs) });
          }
        }
      } catch (error) {
        for (const call of valid) if (!outcomes.has(call.hubCallId)) outcomes.set(call.hubCallId, failureOutcome(call.hubCallId, error));
      }
      return orderOutcomes(calls, outcomes);
    },

    requestCount: (tenantId) => states.get(tenantId)?.state.requests ?? 0,
  };
}

interface UpsertResult {
  readonly id?: string | null;
  readonly success?: boolean;
  readonly created?: boolean;
  readonly errors?: readonly SalesforceRecordError[];
}

/** `POST /composite/batch` with `haltOnError` false; returns the subrequest results in order. */
async function compositeBatch(client: SalesforceClient, operation: string, batchRequests: readonly { method: string; url: string }[]): Promise<BatchResult[]> {
  const body = await client.request<unknown>(operation, { method: 'POST', path: '/composite/batch', body: { batchRequests, haltOnError: false } });
  const results = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== batchRequests.length) {
    throw new CrmUnavailableError('salesforce', operation, 'composite batch response did not have the documented shape');
  }
  return results.map((raw) => {
    const result = raw as BatchResult;
    if (typeof result?.statusCode !== 'number') throw new CrmUnavailableError('salesforce', operation, 'composite batch response did not have the documented shape');
    if (result.statusCode >= 400) throw subrequestFailure(result, operation, client);
    return result;
  });
}

interface BatchResult {
  readonly statusCode: number;
  readonly result: unknown;
}

/** A failed subrequest: its body is the usual `[{"errorCode", "message"}]`; translated like a failed request. */
function subrequestFailure(result: BatchResult, operation: string, client: SalesforceClient): Error {
  const first = Array.isArray(result.result) ? (result.result[0] as { errorCode?: unknown } | undefined) : undefined;
  const errorCode = typeof first?.errorCode === 'string' ? first.errorCode : undefined;
  const failure = translateSubrequest(result.statusCode, errorCode, operation, client.connection.limitPauseMs);
  if (failure instanceof Error && 'retryAfterMs' in failure && typeof failure.retryAfterMs === 'number') client.pauseFor(failure.retryAfterMs);
  return failure;
}

function translateSubrequest(status: number, errorCode: string | undefined, operation: string, limitPauseMs: number): Error {
  const synthetic = Object.assign(new Error(errorCode ?? `HTTP ${status}`), { errorCode: errorCode ?? `ERROR_HTTP_${status}` });
  return translateSalesforceError(synthetic, operation, { status, headers: {} }, limitPauseMs);
}

/** `PATCH /composite/sobjects/{type}/{externalIdField}` with allOrNone false; one UpsertResult per record, in order. */
async function upsertCollection(
  client: SalesforceClient,
  operation: string,
  object: string,
  externalIdField: string,
  records: readonly Record<string, unknown>[],
): Promise<UpsertResult[]> {
  const body = await client.request<unknown>(operation, {
    method: 'PATCH',
    path: `/composite/sobjects/${object}/${externalIdField}`,
    body: { allOrNone: false, records },
  });
  if (!Array.isArray(body) || body.length !== records.length || body.some((r) => typeof (r as UpsertResult)?.success !== 'boolean')) {
    throw new CrmUnavailableError('salesforce', operation, 'collections response did not have the documented shape');
  }
  return body as UpsertResult[];
}

function searchRecordsOf(result: BatchResult | undefined): Record<string, unknown>[] {
  const records = (result?.result as { searchRecords?: unknown } | null | undefined)?.searchRecords;
  return Array.isArray(records) ? (records as Record<string, unknown>[]) : [];
}

function returningFields(connection: ResolvedSalesforceConnection): { Contact: string[]; Account: string[]; Lead: string[] } {
  const contactTags = connection.tagFields.map((t) => (t.object === 'Contact' ? t.fieldName : `Account.${t.fieldName}`));
  const accountTags = connection.tagFields.filter((t) => t.object === 'Account').map((t) => t.fieldName);
  return {
    Contact: ['Id', 'Name', ...PHONE_FIELDS.Contact, 'AccountId', ...contactTags],
    Account: ['Id', 'Name', ...PHONE_FIELDS.Account, ...accountTags],
    Lead: ['Id', 'Name', ...PHONE_FIELDS.Lead],
  };
}

const OBJECT_RANK: Record<CustomerObject, number> = { Contact: 0, Account: 1, Lead: 2 };

/**
 * The stable choice among records whose phone fields hold the number: a person (Contact) before a company
 * (Account) before a prospect (Lead); then a match on the main `Phone` before other phone fields; then the oldest
 * record (lowest id), so that a newly created duplicate never takes over.
 */
export function pickCustomer(records: readonly Record<string, unknown>[], e164: string, tagFields: readonly ResolvedTagField[]): SalesforceCustomer | null {
  const candidates: { record: Record<string, unknown>; object: CustomerObject; key: [number, number, string] }[] = [];
  for (const record of records) {
    const object = (record.attributes as { type?: unknown } | undefined)?.type;
    if (object !== 'Contact' && object !== 'Account' && object !== 'Lead') continue;
    const id = record.Id;
    if (typeof id !== 'string' || !SALESFORCE_ID.test(id)) continue;
    const matching = PHONE_FIELDS[object].filter((field) => phoneMatches(record[field], e164));
    if (matching.length === 0) continue;
    candidates.push({ record, object, key: [OBJECT_RANK[object], matching.includes('Phone') ? 0 : 1, id] });
  }
  candidates.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.key[2] < b.key[2] ? -1 : a.key[2] > b.key[2] ? 1 : 0));
  const best = candidates[0];
  if (best === undefined) return null;
  const { record, object } = best;
  const accountId = object === 'Account' ? (record.Id as string) : object === 'Contact' && typeof record.AccountId === 'string' ? record.AccountId : null;
  return {
    crm: 'salesforce',
    id: record.Id as string,
    name: typeof record.Name === 'string' ? record.Name : null,
    matchCount: candidates.length,
    objectType: object,
    accountId,
    tags: readTags(record, object, tagFields),
  };
}

/** Tags from the configured fields of a Contact (its own and its account's) or an Account. */
export function readTags(record: Record<string, unknown>, object: CustomerObject, tagFields: readonly ResolvedTagField[]): string[] {
  const tags = new Set<string>();
  for (const spec of tagFields) {
    let value: unknown;
    if (object === 'Account') value = spec.object === 'Account' ? record[spec.fieldName] : undefined;
    else if (object === 'Contact') value = spec.object === 'Contact' ? record[spec.fieldName] : (record.Account as Record<string, unknown> | null | undefined)?.[spec.fieldName];
    for (const text of tagValues(value, spec)) tags.add(`${spec.label}:${text}`);
  }
  return [...tags].sort();
}

function tagValues(value: unknown, spec: ResolvedTagField): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return [];
    if (spec.bands.length === 0) return [String(value)];
    const band = [...spec.bands].reverse().find((b) => value >= b.atLeast);
    return band === undefined ? [] : [band.tag];
  }
  if (typeof value === 'boolean') return [String(value)];
  if (typeof value !== 'string') return [];
  // Multi-select picklists come as "A;B".
  return value
    .split(';')
    .map((part) => part.normalize('NFKC').trim())
    .filter((part) => part !== '' && part.length <= 255);
}

function toPortCustomer(customer: SalesforceCustomer): CrmCustomer {
  return { crm: 'salesforce', id: customer.id, name: customer.name, matchCount: customer.matchCount };
}

function customerOf(customers: Map<string, SalesforceCustomer | null>, call: CrmCallRecord): SalesforceCustomer | null {
  return call.customerPhone === null ? null : (customers.get(call.customerPhone) ?? null);
}

function linkResult(client: SalesforceClient, recordId: string, customer: SalesforceCustomer | null): CrmLinkResult {
  const { callObject } = client.connection;
  const links: CrmLink[] = [{ crm: 'salesforce', objectType: callObject, id: recordId }];
  if (customer !== null) links.push({ crm: 'salesforce', objectType: customer.objectType, id: customer.id });
  const instanceUrl = instanceUrlOf(client);
  return {
    crm: 'salesforce',
    customer: customer === null ? null : toPortCustomer(customer),
    links,
    callUrl: instanceUrl === null ? null : recordPageUrl(instanceUrl, callObject, recordId),
    customerTags: customer?.tags ?? [],
  };
}

function instanceUrlOf(client: SalesforceClient): string | null {
  return client.state.session?.instanceUrl ?? client.connection.instanceUrl;
}

/**
 * The Lightning record page of a record, where the package's page layout shows the Callsight player:
 * https://developer.salesforce.com/docs/platform/lwc/guide/reference-page-reference-type.html (standard__recordPage,
 * URL form `/lightning/r/{objectApiName}/{recordId}/view`). The instance URL redirects to the org's Lightning domain.
 */
export function recordPageUrl(instanceUrl: string, object: string, recordId: string): string {
  return `${instanceUrl.replace(/\/+$/, '')}/lightning/r/${encodeURIComponent(object)}/${encodeURIComponent(recordId)}/view`;
}

const RECORDING_STATUS_VALUES = { stored: 'Stored', archived: 'Archived', deleted: 'Deleted' } as const;

/**
 * The `Call_Recording__c` fields of a call. Every field is written on every upsert (nulls included), so the record
 * always shows the latest analysis and score, and a lookup that no longer matches is cleared. `Name` is left to
 * the object's Auto Number.
 */
export function buildCallFields(
  call: CrmCallRecord,
  customer: SalesforceCustomer | null,
  connection: ResolvedSalesforceConnection,
  instanceUrl: string | null = connection.instanceUrl,
): Record<string, unknown> {
  const f = connection.callFields;
  const analysed = (call.analysis ?? 'done') === 'done';
  const recordId = call.crmRecordId !== undefined && call.crmRecordId !== null && SALESFORCE_ID.test(call.crmRecordId) ? call.crmRecordId : null;
  return {
    [f.hubCallId]: call.hubCallId,
    [f.startedAt]: call.startedAt,
    [f.durationS]: Math.round(call.durationS),
    [f.direction]: call.direction === 'inbound' ? 'Inbound' : 'Outbound',
    [f.agentName]: call.agentName,
    [f.inquiryType]: call.inquiryType,
    [f.flags]: !analysed || call.flags.length === 0 ? null : call.flags.join(';'),
    [f.risk]: analysed ? Math.round(call.risk * 1000) / 10 : null,
    [f.customerEmotion]: analysed ? (call.customerEmotion ?? null) : null,
    [f.score]: call.score ?? null,
    [f.recordingStatus]: RECORDING_STATUS_VALUES[call.recordingStatus ?? 'stored'],
    [f.appLink]: recordId === null || instanceUrl === null ? null : recordPageUrl(instanceUrl, connection.callObject, recordId),
    [f.contact]: customer?.objectType === 'Contact' ? customer.id : null,
    [f.account]: customer?.accountId ?? null,
    [f.lead]: customer?.objectType === 'Lead' ? customer.id : null,
  };
}

function checkCalls(calls: readonly CrmCallRecord[]): { valid: CrmCallRecord[]; outcomes: Map<string, SalesforceCallOutcome> } {
  const outcomes = new Map<string, SalesforceCallOutcome>();
  const byId = new Map<string, CrmCallRecord>();
  for (const call of calls) {
    const problem = call.appLink === null ? null : findAppLinkProblem(call.appLink);
    if (problem !== null) {
      outcomes.set(call.hubCallId, { hubCallId: call.hubCallId, ok: false, error: new CallsightError('VALIDATION_FAILED', `call appLink ${problem}`) });
    } else if (call.customerPhone !== null && !E164.test(call.customerPhone)) {
      outcomes.set(call.hubCallId, { hubCallId: call.hubCallId, ok: false, error: new CallsightError('VALIDATION_FAILED', 'customerPhone must be E.164') });
    } else {
      // The same call twice in one batch: the later version wins (one record per external id and request).
      byId.set(call.hubCallId, call);
    }
  }
  return { valid: [...byId.values()], outcomes };
}

function phonesOf(calls: readonly CrmCallRecord[]): string[] {
  return [...new Set(calls.map((c) => c.customerPhone).filter((p): p is string => p !== null))];
}

function failureOutcome(hubCallId: string, error: unknown): SalesforceCallOutcome {
  if (isCrmFailure(error) || error instanceof CallsightError) return { hubCallId, ok: false, error };
  throw error;
}

function orderOutcomes(calls: readonly CrmCallRecord[], outcomes: Map<string, SalesforceCallOutcome>): SalesforceCallOutcome[] {
  return calls.map((call) => {
    const outcome = outcomes.get(call.hubCallId);
    if (outcome === undefined) throw new Error(`no outcome for call ${call.hubCallId}`);
    return outcome;
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}
