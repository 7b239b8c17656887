import { parse } from 'csv-parse/sync';
import { CrmRejectedError, CrmUnavailableError } from '../../../core/crm/crm.errors';
import type { SalesforceClient } from './salesforce.client';
import type { SalesforceRecordError } from './salesforce.errors';

/**
 * Bulk API 2.0 ingest, as documented in the "Bulk API 2.0 and Bulk API Developer Guide"
 * (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0_ingest.htm):
 * create a job (`POST /jobs/ingest`), upload its CSV once (`PUT /jobs/ingest/{id}/batches`), close it
 * (`PATCH /jobs/ingest/{id}` with `UploadComplete`), poll `GET /jobs/ingest/{id}` until `JobComplete`, `Failed` or
 * `Aborted`, then read `successfulResults/` (`sf__Id`, `sf__Created`, ...) and `failedResults/` (`sf__Id`,
 * `sf__Error`, ...). A job takes one upload; files over 100 MB are better split, so large backfills get several jobs.
 */
export interface BulkOptions {
  /** Between status polls (default 2 s). */
  readonly pollIntervalMs?: number;
  /** Polls per job before giving up as unavailable (default 900, i.e. 30 min at 2 s). */
  readonly maxPolls?: number;
  /** Rows per job at most (default 100,000: about 30 MB of call rows, well under the 100 MB upload advice). */
  readonly maxRowsPerJob?: number;
  /** Waits between polls; injectable so tests and benchmarks do not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface BulkUpsertInput {
  readonly object: string;
  readonly externalIdField: string;
  /** Columns in CSV order; the external id field among them. */
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, unknown>[];
}

export type BulkRecordResult = { readonly ok: true; readonly id: string; readonly created: boolean } | { readonly ok: false; readonly errors: SalesforceRecordError[] };

const TERMINAL_STATES = new Set(['JobComplete', 'Failed', 'Aborted']);

/** Runs upsert jobs over `rows`; returns each row's result by external id. Whole-job failures reject with a typed error. */
export async function runBulkUpsert(client: SalesforceClient, input: BulkUpsertInput, options: BulkOptions = {}): Promise<Map<string, BulkRecordResult>> {
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const maxPolls = options.maxPolls ?? 900;
  const maxRows = options.maxRowsPerJob ?? 100_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const results = new Map<string, BulkRecordResult>();
  for (let start = 0; start < input.rows.length; start += maxRows) {
    const rows = input.rows.slice(start, start + maxRows);
    const job = await client.request<{ id?: unknown; state?: unknown }>('bulk create job', {
      method: 'POST',
      path: '/jobs/ingest',
      body: { object: input.object, externalIdFieldName: input.externalIdField, contentType: 'CSV', operation: 'upsert', lineEnding: 'LF', columnDelimiter: 'COMMA' },
    });
    const jobId = typeof job?.id === 'string' && /^[a-zA-Z0-9]{15,18}$/.test(job.id) ? job.id : null;
    if (jobId === null) throw new CrmUnavailableError('salesforce', 'bulk create job', 'response did not have the documented shape');

    await client.request('bulk upload job data', { method: 'PUT', path: `/jobs/ingest/${jobId}/batches`, body: toCsv(input.columns, rows), contentType: 'text/csv' });
    await client.request('bulk close job', { method: 'PATCH', path: `/jobs/ingest/${jobId}`, body: { state: 'UploadComplete' } });

    let state = '';
    for (let poll = 0; ; poll++) {
      const info = await client.request<{ state?: unknown; errorMessage?: unknown }>('bulk job status', { method: 'GET', path: `/jobs/ingest/${jobId}` });
      state = typeof info?.state === 'string' ? info.state : '';
      if (TERMINAL_STATES.has(state)) break;
      if (poll + 1 >= maxPolls) throw new CrmUnavailableError('salesforce', 'bulk job status', `job still ${state || 'unknown'} after ${maxPolls} polls`);
      await sleep(pollIntervalMs);
    }
    if (state === 'Failed') {
      // The whole job was refused (bad column, object or external id): the same rows would fail again.
      throw new CrmRejectedError('salesforce', 'bulk upsert', 'job Failed', { details: { salesforceErrorCode: 'BULK_JOB_FAILED' } });
    }
    if (state === 'Aborted') throw new CrmUnavailableError('salesforce', 'bulk upsert', 'job Aborted');

    for (const row of await readResults(client, jobId, 'successfulResults')) {
      const externalId = row[input.externalIdField];
      const id = row.sf__Id;
      if (typeof externalId === 'string' && typeof id === 'string' && id !== '') results.set(externalId, { ok: true, id, created: row.sf__Created === 'true' });
    }
    for (const row of await readResults(client, jobId, 'failedResults')) {
      const externalId = row[input.externalIdField];
      if (typeof externalId === 'string') results.set(externalId, { ok: false, errors: [parseBulkError(row.sf__Error)] });
    }
  }
  return results;
}

async function readResults(client: SalesforceClient, jobId: string, kind: 'successfulResults' | 'failedResults'): Promise<Record<string, string>[]> {
  const body = await client.request<unknown>(`bulk read ${kind}`, { method: 'GET', path: `/jobs/ingest/${jobId}/${kind}/` });
  if (Array.isArray(body)) return body as Record<string, string>[];
  if (typeof body === 'string') return body.trim() === '' ? [] : (parse(body, { columns: true, skip_empty_lines: true }) as Record<string, string>[]);
  throw new CrmUnavailableError('salesforce', `bulk read ${kind}`, 'response was not CSV');
}

/** `sf__Error` reads `CODE:message:fields` (e.g. `FIELD_CUSTOM_VALIDATION_EXCEPTION:Risk is too high:Risk__c --`). */
export function parseBulkError(text: unknown): SalesforceRecordError {
  if (typeof text !== 'string') return { statusCode: 'UNKNOWN_ERROR' };
  const [code, , fields] = text.split(':');
  return {
    statusCode: code?.trim() || 'UNKNOWN_ERROR',
    fields: (fields ?? '')
      .split(/[\s,]+/)
      .map((f) => f.replace(/-+$/, ''))
      .filter((f) => /^[A-Za-z][A-Za-z0-9_]*$/.test(f)),
  };
}

/**
 * RFC 4180 CSV with LF line endings, every value quoted; null and undefined become `#N/A`, which Bulk API 2.0
 * reads as "set the field to null" (a blank cell would leave the old value in place on update).
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '#N/A';
    const text = typeof value === 'string' ? value : String(value);
    return `"${text.replace(/"/g, '""')}"`;
  };
  const lines = [columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))];
  return `${lines.join('\n')}\n`;
}
