import * as z from 'zod/mini';
import { idSchema } from '../shared/ids';
import { callFilterFields } from './calls.api';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of two-person export approval (R-ACC-3): request, list, read, approve, reject and download
 * (`/api/v1/exports...`). The CLI's `callsight export` commands take the same bodies.
 */

/** The filter an export may be resolved from: the call list's filters plus the call status. */
export const exportFilterSchema = z.strictObject({
  ...callFilterFields,
  status: z.optional(z.enum(['stored', 'misdial', 'archived'])),
});

/** Body of `POST /api/v1/exports`: either `callIds` or `filter`, and why the export is needed. */
export const exportRequestBodySchema = z
  .strictObject({
    callIds: z.optional(z.array(idSchema).check(z.minLength(1), z.maxLength(5000))),
    filter: z.optional(exportFilterSchema),
    reason: z.string().check(z.trim(), z.minLength(5, 'must say why the export is needed (at least 5 characters)'), z.maxLength(2000)),
  })
  .check(z.refine((body) => (body.callIds === undefined) !== (body.filter === undefined), 'give either callIds or filter, not both'));
export type ExportRequestBody = z.infer<typeof exportRequestBodySchema>;

/** Body of `POST /api/v1/exports/:id/approve` and `/reject` (optional; an empty body means no note). */
export const exportDecisionBodySchema = z.strictObject({ note: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))) });
export type ExportDecisionBody = z.infer<typeof exportDecisionBodySchema>;

/** Query of `GET /api/v1/exports`: newest first, `cursor` is the `nextCursor` of a previous page. */
export const exportListQuerySchema = z.strictObject({
  status: z.optional(z.enum(['pending', 'approved', 'rejected'])),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
  cursor: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_:.\-|]{1,200}$/))),
});
export type ExportListQueryInput = z.input<typeof exportListQuerySchema>;

/** Route parameters `{ id }` of `/api/v1/exports/:id...`; any text is taken so that a malformed id answers 404. */
export const exportParamsSchema = z.object({ id: z.string() });

/** The status an export is in for its readers: an approved export past its expiry is `expired`. */
export const exportStatusSchema = z.enum(['pending', 'approved', 'rejected', 'expired']);

/** An export as every export route answers it. */
export const exportViewSchema = z.object({
  id: idSchema,
  status: exportStatusSchema,
  requestedBy: z.string(),
  reason: z.string(),
  filter: z.nullable(z.record(z.string(), z.unknown())),
  callIds: z.array(idSchema),
  callCount: z.number().check(z.int(), z.nonnegative()),
  audioBytes: z.number().check(z.int(), z.nonnegative()),
  createdAt: isoDateTimeSchema,
  decidedBy: z.nullable(z.string()),
  decidedAt: z.nullable(isoDateTimeSchema),
  decisionNote: z.nullable(z.string()),
  expiresAt: z.nullable(isoDateTimeSchema),
  downloads: z.number().check(z.int(), z.nonnegative()),
});
export type ExportView = z.infer<typeof exportViewSchema>;

/** A page of `GET /api/v1/exports`. */
export const exportPageSchema = z.object({ items: z.array(exportViewSchema), nextCursor: z.nullable(z.string()) });
export type ExportPage = z.infer<typeof exportPageSchema>;
