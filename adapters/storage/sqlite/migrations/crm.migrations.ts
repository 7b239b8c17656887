import type { Migration } from '../migrations';

/** Versions 50-59. */
export const CRM_MIGRATIONS: readonly Migration[] = [];
