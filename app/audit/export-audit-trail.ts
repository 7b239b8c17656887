import { z } from 'zod';
import { isoDateTimeSchema } from '../../core/api/common.api';
import type { AuditEvent } from '../../core/audit/audit-chain';
import type { SignedCheckpoint } from '../../core/audit/audit-checkpoint';
import type { AuditLogStore } from '../../core/audit/audit-log.port';
import { requireTenant, type TenantDirectory } from '../tenants/tenants.ports';
import { allow, defineUseCase } from '../shared/use-case';
import { signTenantCheckpoint } from './audit.chain';
import { AUDIT_CHAIN_TARGET, type AuditCheckpointPorts } from './audit.ports';

const exportAuditInput = z
  .object({ from: z.optional(isoDateTimeSchema), to: z.optional(isoDateTimeSchema) })
  .strict()
  .refine((range) => !range.from || !range.to || Date.parse(range.from) < Date.parse(range.to), { message: 'from must be before to', path: ['from'] });
type ExportAuditInput = z.infer<typeof exportAuditInput>;

/** One line of an audit export (JSON lines): the header, each event of the range, the signed checkpoint last. */
export type AuditExportLine =
  | { readonly type: 'header'; readonly format: 'callsight-audit-export'; readonly version: 1; readonly tenantId: string; readonly from: string | null; readonly to: string | null; readonly exportedAt: string }
  | { readonly type: 'event'; readonly event: AuditEvent }
  | { readonly type: 'checkpoint'; readonly checkpoint: SignedCheckpoint };

/** An audit export, produced as it is read. */
export interface AuditExport {
  readonly tenantId: string;
  /**
   * The header, the events of the range (with `at` from <= at < to, in chain order, up to the checkpointed head) and
   * the checkpoint. Reading it first verifies the chain and signs and stores a checkpoint of the head, which by then
   * includes this export's own audit event: CONFLICT when the chain is broken.
   */
  readonly lines: AsyncIterable<AuditExportLine>;
}

interface ExportAuditPorts extends AuditCheckpointPorts {
  readonly auditLog: AuditCheckpointPorts['auditLog'] & Pick<AuditLogStore, 'query'>;
  readonly tenants: TenantDirectory;
}

/**
 * A tenant's audit trail for regulators (R-ACC-5), operators only: the events of a range and a signed checkpoint
 * of the head, which is also kept so that later verification catches truncation. NOT_FOUND for an unknown tenant
 * (recorded as an error).
 */
export const exportAuditTrail = defineUseCase<ExportAuditPorts, ExportAuditInput, AuditExport, undefined, { from?: string; to?: string }>({
  name: 'audit.export',
  action: 'export_audit',
  permission: 'system',
  input: exportAuditInput,
  invalidInput: 'Invalid audit export range',
  target: () => AUDIT_CHAIN_TARGET,
  async authorize({ deps, actor }) {
    await requireTenant(deps.tenants, actor.tenantId);
    return allow(undefined);
  },
  run({ deps, actor, input }) {
    const tenantId = actor.tenantId;
    async function* lines(): AsyncGenerator<AuditExportLine> {
      const checkpoint = await signTenantCheckpoint(deps, tenantId);
      yield { type: 'header', format: 'callsight-audit-export', version: 1, tenantId, from: input.from ?? null, to: input.to ?? null, exportedAt: checkpoint.at };
      const range = { ...(input.from ? { from: new Date(input.from).toISOString() } : {}), ...(input.to ? { to: new Date(input.to).toISOString() } : {}) };
      let afterSeq = 0;
      for (;;) {
        const page = await deps.auditLog.query(tenantId, { ...range, afterSeq, limit: 1000 });
        for (const event of page) {
          if (event.seq > checkpoint.seq) break;
          yield { type: 'event', event };
        }
        if (page.length < 1000 || page.at(-1)!.seq >= checkpoint.seq) break;
        afterSeq = page.at(-1)!.seq;
      }
      yield { type: 'checkpoint', checkpoint };
    }
    return { tenantId, lines: lines() };
  },
  audited: (_output, input) => ({ details: { ...(input.from ? { from: input.from } : {}), ...(input.to ? { to: input.to } : {}) } }),
});
