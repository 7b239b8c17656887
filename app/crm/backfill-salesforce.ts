import { z } from 'zod';
import type { CrmCallOutcome, CrmCallRecord } from '../../core/crm/crm-adapter.port';
import { linksAfterDelivery } from '../../core/crm/outbox.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { buildCrmCallRecord, type CrmRecordSources } from './crm.records';
import { keepCustomerTags } from './crm.sync';

/** Calls handed to one Bulk API 2.0 backfill (one ingest job each) by default: a progress step, a few requests. */
export const DEFAULT_BACKFILL_CHUNK = 5_000;

/** How the backfill reaches the Salesforce adapter (its `backfillCalls`, Bulk API 2.0 ingest). */
export interface SalesforceBackfillPort {
  backfillCalls(tenantId: string, calls: readonly CrmCallRecord[]): Promise<readonly CrmCallOutcome[]>;
}

/** Told after each chunk: calls sent so far out of the calls to send. */
export type BackfillProgress = (progress: { readonly done: number; readonly total: number }) => void;

export interface BackfillSalesforceDeps {
  readonly calls: Pick<CallRepository, 'listCalls' | 'getCall' | 'getAgent' | 'setCrmLinks' | 'replaceCrmTags'>;
  readonly sources: Omit<CrmRecordSources, 'calls'>;
  readonly salesforce: SalesforceBackfillPort;
  readonly onProgress?: BackfillProgress;
  /** Calls a Bulk job (default DEFAULT_BACKFILL_CHUNK). */
  readonly chunkSize?: number;
}

const backfillInput = z
  .object({
    /** Calls started at or after this instant (ISO-8601); all calls when absent. */
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type BackfillSalesforceRequest = z.input<typeof backfillInput>;

/** What a backfill did: calls found, recorded, and the failures by error code (never a message: they may quote values). */
export interface SalesforceBackfilled {
  readonly total: number;
  readonly recorded: number;
  readonly failed: Readonly<Record<string, number>>;
}

const PAGE = 500;

/**
 * Writes every call of the actor's tenant (started since `since`, misdials left out) to Salesforce's
 * `Call_Recording__c` through Bulk API 2.0 (the adapter's `backfillCalls`), each with its state now (analysis, score,
 * recording) as the outbox would send it; each recorded call gets its links and its customer's tags as a delivery
 * does. Upserts by external id, so running it again doubles nothing. NOT_FOUND when the tenant has no Salesforce
 * connection (nothing sent); a call Salesforce refuses is counted by its code in `failed` and the rest go on.
 * Admins and the operator; one audit event with the counts.
 */
export const backfillSalesforce = defineUseCase({
  name: 'crm.backfill-salesforce',
  action: 'change_settings',
  permission: 'change_settings',
  input: backfillInput,
  invalidInput: 'Invalid Salesforce backfill',
  target: (_input, actor) => `tenant:${actor.tenantId}`,
  async run({ deps, actor, input }: { deps: BackfillSalesforceDeps; actor: Actor; input: z.infer<typeof backfillInput> }): Promise<SalesforceBackfilled> {
    const { tenantId } = actor;
    if ((await deps.sources.connections.get(tenantId, 'salesforce')) === null) {
      throw new CallsightError('NOT_FOUND', 'This tenant has no Salesforce connection: run `callsight salesforce connect` first');
    }
    const chunkSize = deps.chunkSize ?? DEFAULT_BACKFILL_CHUNK;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new CallsightError('VALIDATION_FAILED', 'chunk size must be a positive integer');
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.calls.listCalls(tenantId, input.since === undefined ? {} : { from: new Date(input.since).toISOString() }, { kind: 'all' }, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const call of page.items) if (call.status !== 'misdial') ids.push(call.id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    ids.reverse();

    const sources: CrmRecordSources = { ...deps.sources, calls: deps.calls };
    const failed: Record<string, number> = {};
    let recorded = 0;
    let done = 0;
    deps.onProgress?.({ done, total: ids.length });
    for (let start = 0; start < ids.length; start += chunkSize) {
      const records: CrmCallRecord[] = [];
      for (const id of ids.slice(start, start + chunkSize)) {
        const record = await buildCrmCallRecord(sources, tenantId, id, 'salesforce');
        if (record !== null) records.push(record);
      }
      const outcomes = records.length === 0 ? [] : await deps.salesforce.backfillCalls(tenantId, records);
      for (const outcome of outcomes) {
        if (outcome.ok) {
          const call = await deps.calls.getCall(tenantId, outcome.hubCallId, { kind: 'all' });
          if (call !== null) await deps.calls.setCrmLinks(tenantId, call.id, linksAfterDelivery(call.crmLinks, outcome.result));
          await keepCustomerTags(deps.calls, { tenantId, crm: 'salesforce', hubCallId: outcome.hubCallId, result: outcome.result });
          recorded += 1;
        } else {
          const code = isCallsightError(outcome.error) ? outcome.error.code : ((outcome.error as { code?: unknown } | null)?.code as string | undefined) ?? 'INTERNAL';
          failed[code] = (failed[code] ?? 0) + 1;
        }
      }
      done = Math.min(ids.length, start + chunkSize);
      deps.onProgress?.({ done, total: ids.length });
    }
    return { total: ids.length, recorded, failed };
  },
  audited: (output) => ({ reason: 'salesforce_backfill', details: { calls: output.total, recorded: output.recorded, failed: Object.values(output.failed).reduce((a, b) => a + b, 0) } }),
});
