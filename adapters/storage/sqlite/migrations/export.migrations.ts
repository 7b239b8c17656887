import type { Migration } from '../migrations';

/** Versions 20-29. */
export const EXPORT_MIGRATIONS: readonly Migration[] = [];
