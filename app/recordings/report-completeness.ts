import type { z } from 'zod';
import type { ProviderCallLedger } from '../../core/recordings/provider-call-ledger.port';
import type { Clock } from '../../core/shared/clock.port';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { buildCompletenessReport, completenessWindowInput, resolveCompletenessWindow, type CompletenessReport } from './completeness.views';

type Deps = { readonly ledger: Pick<ProviderCallLedger, 'reconcile'>; readonly clock: Clock };

/**
 * `GET /api/v1/recordings/completeness`: the calls the providers' own lists say were recorded in the window (the
 * ledger: Twilio's lists as last reconciled, Connect contact records, PBX CDR rows) against the calls the hub holds,
 * with each gap's reason. Reads only; `callsight completeness` and the daily job refresh the lists and fetch what
 * they can. Admins only; VALIDATION_FAILED for an empty window or one longer than 93 days.
 */
export const reportCompleteness = defineUseCase({
  name: 'recordings.report-completeness',
  action: 'report_completeness',
  permission: 'ingest',
  forbidden: 'Only admins may read the recording completeness report',
  input: completenessWindowInput,
  invalidInput: 'Invalid completeness window',
  target: () => 'recordings:completeness',
  async run({ deps, actor, input }: UseCaseContext<Deps, z.output<typeof completenessWindowInput>>): Promise<CompletenessReport> {
    const now = deps.clock.now();
    return buildCompletenessReport(deps.ledger, actor.tenantId, resolveCompletenessWindow(input, now), now.toISOString());
  },
  audited: (out) => ({ details: { expected: out.expected, stored: out.stored, missing: out.missing } }),
});
