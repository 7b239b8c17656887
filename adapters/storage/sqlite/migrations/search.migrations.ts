import type { Migration } from '../migrations';

/** Versions 10-19. */
export const SEARCH_MIGRATIONS: readonly Migration[] = [];
