import * as z from 'zod/mini';
import type { ErrorCode } from '../shared/errors';

/**
 * The parts of the hub's API contract every capability shares: the error envelope, pagination and timestamps.
 * Request schemas here parse what arrives (query strings are text, so numbers are coerced); response schemas
 * describe what the hub sends, for API tests, widget guards and the OpenAPI document. Written with `zod/mini`
 * (docs/decisions/api-contract.md), so that a widget bundles only the small core.
 */

/**
 * The machine-readable code of an error body: one of core/shared/errors.ts's ErrorCode (plus RATE_LIMITED and
 * the like from the HTTP edge); read as any non-empty string so that a newer hub's code never breaks a client.
 */
export const errorCodeSchema = z.string().check(z.minLength(1));
/** The codes the hub itself defines, for callers that switch on them. */
export type KnownErrorCode = ErrorCode;

/** The `error` member of an error body: its stable code and a message without personal data. */
export const errorDetailSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
});

/** Every error response of the hub: `{ error: { code, message } }`; the message never carries personal data. */
export const errorBodySchema = z.object({ error: errorDetailSchema });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An ISO 8601 date-time with an offset (`2024-05-01T08:00:00Z`, `2024-05-01T16:00:00+08:00`). */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

/** An opaque page cursor: the `nextCursor` of a previous page, passed back unchanged. */
export const cursorSchema = z.string().check(z.minLength(1), z.maxLength(512));

/**
 * The query fields of a paged list: `limit` (1..`max`, `fallback` when absent) and an optional `cursor`.
 * Spread into a route's own query object: `z.strictObject({ ...pageQueryFields(200, 50), status: ... })`.
 */
export function pageQueryFields(max: number, fallback: number) {
  return {
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(max)), fallback),
    cursor: z.optional(cursorSchema),
  };
}

/** The default paging of the hub's lists: up to 200 items a page, 50 when `limit` is absent. */
export const pageQuerySchema = z.object(pageQueryFields(200, 50));
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** A page of a list: its `items` and the cursor of the next page, null on the last one. */
export function pageSchema<T extends z.core.SomeType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
}
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}
