import { defineExportDecision } from './exports.decisions';

/** Another admin rejects a pending export; it can never be downloaded. */
export const rejectExport = defineExportDecision({ name: 'exports.reject', action: 'reject_export', status: 'rejected' });
