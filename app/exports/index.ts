import { bindUseCases, type AuditDeps, type PortsOf } from '../shared/use-case';
import { approveExport } from './approve-export';
import { downloadExport } from './download-export';
import { getExport } from './get-export';
import { listExports } from './list-exports';
import { rejectExport } from './reject-export';
import { requestExport } from './request-export';

/** Two-person export approval (R-ACC-3): the same use-cases serve the API and `callsight export`. */
export const exportsUseCases = {
  request: requestExport,
  list: listExports,
  get: getExport,
  approve: approveExport,
  reject: rejectExport,
  download: downloadExport,
};
export type ExportsUseCasePorts = PortsOf<typeof exportsUseCases>;

/** Binds the export use-cases to their ports. */
export function createExportsUseCases(ports: ExportsUseCasePorts & AuditDeps) {
  return bindUseCases(exportsUseCases, ports);
}
export type ExportsUseCases = ReturnType<typeof createExportsUseCases>;

export { requestExport, listExports, getExport, approveExport, rejectExport, downloadExport };
export type { ExportDownload } from './download-export';
export type { ExportBundleEntry, ExportBundleWriter } from './exports.ports';
export { MAX_EXPORT_AUDIO_BYTES } from './exports.ports';
export { effectiveStatus } from './exports.views';
