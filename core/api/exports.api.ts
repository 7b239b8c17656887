import { z } from 'zod';
import { idSchema } from '../shared/ids';
import { callFilterFields } from './calls.api';
import { isoDateTimeSchema } from './common.api';

/**
 * The API contract of two-person export approval (R-ACC-3): request, list, read, approve, reject and download
 * (`/api/v1/exports...`). The CLI's `callsight export` commands take the same bodies.
 */

/** The filter an export may be resolved from: the call list's filters plus the call status. */
export const exportFilterSchema = z
  .object({
    ...callFilterFields,
    status: z.enum(['stored', 'misdial', 'archived']).optional(),
  })
  .strict();

/** Body of `POST /api/v1/exports`: either `callIds` or `filter`, and why the export is needed. */
export const exportRequestBodySchema = z
  .object({
    callIds: z.array(idSchema).min(1).max(5000).optional(),
    filter: exportFilterSchema.optional(),
    reason: z.string().trim().min(5, 'must say why the export is needed (at least 5 characters)').max(2000),
  })
  .strict()
  .refine((body) => (body.callIds === undefined) !== (body.filter === undefined), 'give either callIds or filter, not both');
export type ExportRequestBody = z.infer<typeof exportRequestBodySchema>;

/** Body of `POST /api/v1/exports/:id/approve` and `/reject` (optional; an empty body means no note). */
export const exportDecisionBodySchema = z.object({ note: z.string().trim().min(1).max(2000).optional() }).strict();
export type ExportDecisionBody = z.infer<typeof exportDecisionBodySchema>;

/** Query of `GET /api/v1/exports`: newest first, `cursor` is the `nextCursor` of a previous page. */
export const exportListQuerySchema = z
  .object({
    status: z.enum(['pending', 'approved', 'rejected']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().regex(/^[A-Za-z0-9_:.\-|]{1,200}$/).optional(),
  })
  .strict();
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
  filter: z.record(z.string(), z.unknown()).nullable(),
  callIds: z.array(idSchema),
  callCount: z.number().int().nonnegative(),
  audioBytes: z.number().int().nonnegative(),
  createdAt: isoDateTimeSchema,
  decidedBy: z.string().nullable(),
  decidedAt: isoDateTimeSchema.nullable(),
  decisionNote: z.string().nullable(),
  expiresAt: isoDateTimeSchema.nullable(),
  downloads: z.number().int().nonnegative(),
});
export type ExportView = z.infer<typeof exportViewSchema>;

/** A page of `GET /api/v1/exports`. */
export const exportPageSchema = z.object({ items: z.array(exportViewSchema), nextCursor: z.string().nullable() });
export type ExportPage = z.infer<typeof exportPageSchema>;
