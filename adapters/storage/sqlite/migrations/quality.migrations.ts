import type { Migration } from '../migrations';

/** Versions 40-49. */
export const QUALITY_MIGRATIONS: readonly Migration[] = [];
