import { defineExportDecision } from './exports.decisions';

/** Another admin approves a pending export; its requester may then download it until it expires. */
export const approveExport = defineExportDecision({ name: 'exports.approve', action: 'approve_export', status: 'approved' });
