import * as z from 'zod/mini';
import { exportDecisionBodySchema, type ExportView } from '../../core/api/exports.api';
import { CallsightError } from '../../core/shared/errors';
import { exportLimits } from '../settings/settings.definitions';
import { defineUseCase, type UseCaseDefinition } from '../shared/use-case';
import type { ExportsPorts } from './exports.ports';
import { authorizeExport, exportTarget, toExportView, type AuthorizedExport } from './exports.views';

/** Input of approve and reject: the export's id and the decider's optional note. */
export const exportDecisionInput = z.extend(exportDecisionBodySchema, { id: z.string() });
export type ExportDecisionInput = z.infer<typeof exportDecisionInput>;

/** What callers pass: the export's id and the decision body's fields (validated by the use-case). */
export interface ExportDecisionRequest {
  readonly id: string;
  readonly [field: string]: unknown;
}

type DecisionPorts = Pick<ExportsPorts, 'exports' | 'settings' | 'clock'>;

/**
 * Approve or reject (the approver's two answers share one policy row, `approve_export`): by an admin other than the
 * requester (FORBIDDEN `self_approval`), only while pending (CONFLICT). Approval starts the download lifetime of
 * the tenant's `exports.downloadTtlMinutes`. Two deciders racing: the store lets one win, the other gets CONFLICT.
 */
export function defineExportDecision(spec: { name: string; action: 'approve_export' | 'reject_export'; status: 'approved' | 'rejected' }): UseCaseDefinition<DecisionPorts, ExportDecisionRequest, ExportView> {
  return defineUseCase<DecisionPorts, ExportDecisionInput, ExportView, AuthorizedExport, ExportDecisionRequest>({
    name: spec.name,
    action: spec.action,
    permission: 'approve_export',
    forbidden: 'Your role may not approve or reject exports',
    input: exportDecisionInput,
    invalidInput: 'Invalid body',
    target: (input) => exportTarget(input.id),
    authorize: ({ deps, actor, input }) => authorizeExport(deps, actor, input.id, 'approve_export'),
    async run({ deps, actor, input, subject: { record, now, principal } }) {
      const ttlMs = (await exportLimits(deps, actor.tenantId)).downloadTtlMinutes * 60_000;
      const decided = await deps.exports.decide(actor.tenantId, record.id, {
        status: spec.status,
        by: principal.userId,
        at: now.toISOString(),
        note: input.note ?? null,
        expiresAt: spec.status === 'approved' ? new Date(now.getTime() + ttlMs).toISOString() : null,
      });
      if (!decided) throw new CallsightError('CONFLICT', 'This export was decided meanwhile');
      return toExportView(decided, now);
    },
    audited: (view) => ({ details: { calls: view.callCount, ...(view.expiresAt ? { expiresAt: view.expiresAt } : {}) } }),
  });
}
