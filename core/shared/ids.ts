import * as z from 'zod/mini';

/**
 * What an id of a call, export, evaluation, hold or any other stored object looks like: 1 to 128 URL-safe
 * characters. Ids are minted by the hub (`prefix_base32`) or taken from a provider, and always appear in paths
 * and file names, so nothing else is ever accepted.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** A stored object's id, as a zod schema (`is not a valid id` on failure). */
export const idSchema = z.string().check(z.regex(SAFE_ID_PATTERN, 'is not a valid id'));

/** Route parameters `{ id }` of every `/:id` path. */
export const idParamsSchema = z.object({ id: idSchema });

export function isSafeId(value: string): boolean {
  return SAFE_ID_PATTERN.test(value);
}
