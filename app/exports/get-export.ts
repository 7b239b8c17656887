import type { StoredExport } from '../../core/access/export-store.port';
import { exportParamsSchema, type ExportView } from '../../core/api/exports.api';
import { defineUseCase } from '../shared/use-case';
import type { ExportsPorts } from './exports.ports';
import { exportTarget, loadExport, toExportView } from './exports.views';

/** One export of the tenant (admins); NOT_FOUND (denied) for an unknown or malformed id. */
export const getExport = defineUseCase<Pick<ExportsPorts, 'exports' | 'clock'>, { id: string }, ExportView, { record: StoredExport; now: Date }>({
  name: 'exports.get',
  action: 'view_export',
  permission: 'request_export',
  forbidden: 'Your role may not see exports',
  input: exportParamsSchema,
  target: (input) => exportTarget(input.id),
  authorize: ({ deps, actor, input }) => loadExport(deps, actor, input.id),
  run: ({ subject }) => toExportView(subject.record, subject.now),
});
