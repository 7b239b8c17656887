import { scopeFor } from '../../core/access/access.policy';
import { exportParamsSchema } from '../../core/api/exports.api';
import type { Call } from '../../core/recordings/call';
import { defineUseCase } from '../shared/use-case';
import { streamExportBundle } from './exports.bundle';
import type { ExportBundlePorts, ExportsPorts } from './exports.ports';
import { authorizeExport, exportTarget, type AuthorizedExport } from './exports.views';

/** An approved export on its way out: the zip streams as it is read. */
export interface ExportDownload {
  readonly exportId: string;
  readonly fileName: string;
  readonly calls: number;
  readonly withAudio: number;
  /** The zip; reading it decrypts audio chunk by chunk. */
  readonly content: AsyncIterable<Uint8Array>;
}

type DownloadPorts = Pick<ExportsPorts, 'exports' | 'calls' | 'clock'> & ExportBundlePorts;

/**
 * The requester downloads their approved export before it expires (R-ACC-3): FORBIDDEN to anyone else, CONFLICT
 * while pending or rejected, EXPORT_EXPIRED after the lifetime. The requester's scope is checked again: calls
 * out of it or gone are left out, deleted calls leave with their metadata only. Each download is counted.
 */
export const downloadExport = defineUseCase<DownloadPorts, { id: string }, ExportDownload, AuthorizedExport>({
  name: 'exports.download',
  action: 'download',
  permission: 'download',
  forbidden: 'Your role may not download exports',
  input: exportParamsSchema,
  target: (input) => exportTarget(input.id),
  authorize: ({ deps, actor, input }) => authorizeExport(deps, actor, input.id, 'download'),
  async run({ deps, actor, subject: { record, now, principal } }) {
    const scope = scopeFor(principal, 'view');
    const calls: Call[] = [];
    for (const callId of record.callIds) {
      const call = await deps.calls.getCall(actor.tenantId, callId, scope);
      if (call) calls.push(call);
    }
    await deps.exports.recordDownload(actor.tenantId, record.id, now.toISOString());
    return {
      exportId: record.id,
      fileName: `callsight-export-${record.id}.zip`,
      calls: calls.length,
      withAudio: calls.filter((c) => c.recording && c.status !== 'deleted').length,
      content: streamExportBundle(deps, record, calls),
    };
  },
  audited: (download) => ({ details: { calls: download.calls, withAudio: download.withAudio } }),
});
