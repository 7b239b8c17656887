import type { Migration } from '../migrations';

/** Versions 30-39. */
export const RETENTION_MIGRATIONS: readonly Migration[] = [];
