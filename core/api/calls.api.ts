import * as z from 'zod/mini';
import { idParamsSchema } from '../shared/ids';
import { cursorSchema, isoDateTimeSchema } from './common.api';

/**
 * The calls part of the hub's API contract (docs/api.md): the call list and search, one call, playback links,
 * uploads, telephony webhooks, and the transcript as the widgets read it. Routes validate requests with these
 * schemas, API tests check responses against them, and the widgets take their types and guards from them. What
 * the hub answers lives in ./call-views.api.ts (re-exported here), which the widgets import directly.
 */

export * from './call-views.api';

/** Route parameters `{ id }` of `/api/v1/calls/:id/...`. */
export const callParamsSchema = idParamsSchema;

/** The call filters shared by the call list, exports and insights; each route adds what only it takes. */
export const callFilterFields = {
  from: z.optional(isoDateTimeSchema),
  to: z.optional(isoDateTimeSchema),
  agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  customerPhone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  direction: z.optional(z.enum(['inbound', 'outbound'])),
  channel: z.optional(z.enum(['human', 'ivr'])),
  inquiryType: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  tag: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
};

/**
 * `GET /api/v1/calls`: filters, transcript keywords `q` (optionally one `speaker`), `sort` (`relevance` needs
 * `q`), and paging (`limit` 1..200, default 50; `cursor` from the previous page). Unknown parameters are refused.
 */
export const listCallsQuerySchema = z
  .strictObject({
    ...callFilterFields,
    status: z.optional(z.enum(['stored', 'misdial', 'archived', 'deleted'])),
    flag: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    scoreMin: z.optional(z.coerce.number()),
    scoreMax: z.optional(z.coerce.number()),
    q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
    speaker: z.optional(z.enum(['agent', 'customer'])),
    sort: z._default(z.enum(['time', 'relevance']), 'time'),
    limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
    cursor: z.optional(cursorSchema),
  })
  .check(
    z.refine((v) => v.scoreMin === undefined || v.scoreMax === undefined || v.scoreMin <= v.scoreMax, {
      message: 'scoreMin must not exceed scoreMax',
      path: ['scoreMin'],
    }),
    z.refine((v) => v.speaker === undefined || v.q !== undefined, { message: 'speaker needs q', path: ['speaker'] }),
    z.refine((v) => v.sort === 'time' || v.q !== undefined, { message: 'sort=relevance needs q', path: ['sort'] }),
  );
/** The list query as callers write it (numbers may be strings, defaults absent). */
export type ListCallsQueryInput = z.input<typeof listCallsQuerySchema>;
/** The list query once parsed (defaults applied). */
export type ListCallsQuery = z.output<typeof listCallsQuerySchema>;

/** `POST /api/v1/webhooks/:provider/recording`: 201 `stored`, 200 `duplicate` or `ignored` (with why). */
export const webhookResponseSchema = z.union([
  z.object({ status: z.enum(['stored', 'duplicate']), callId: z.string() }),
  z.object({ status: z.literal('ignored'), reason: z.string() }),
]);
export type WebhookResponse = z.infer<typeof webhookResponseSchema>;
