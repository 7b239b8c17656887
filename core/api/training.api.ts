/**
 * The training library API contract (issue 15 item 4): clips of calls that reviewers mark as good or bad examples
 * (培训素材), browsable by demand, inquiry type and scorecard criterion, pinned by managers to coaching tasks.
 * A clip's transcript excerpt is always masked as for QA. Request schemas are strict; response schemas are loose
 * (added fields break no reader).
 */
import * as z from 'zod/mini';
import { idSchema } from '../shared/ids';

const codeSchema = z.string().check(z.minLength(1), z.maxLength(64));

/** POST /api/v1/clips: marks a time range of a call as a good or bad example. */
export const saveClipRequestSchema = z.strictObject({
  callId: idSchema,
  startS: z.number().check(z.minimum(0)),
  endS: z.number().check(z.minimum(0)),
  label: z.enum(['good', 'bad']),
  note: z._default(z.string().check(z.maxLength(2000)), ''),
  /** A scorecard criterion id the clip illustrates (e.g. `compliance`), or a screening flag (`flag:SENSITIVE_WORD`). */
  criterionId: z.optional(codeSchema),
  /** A demand category code (core/analysis labels, e.g. `refund_process`); default: the call's first analysed demand. */
  demand: z.optional(codeSchema),
});

/** GET /api/v1/clips query: every filter optional, combined with AND; newest first. */
export const listClipsQuerySchema = z.strictObject({
  demand: z.optional(codeSchema),
  inquiryType: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  criterionId: z.optional(codeSchema),
  label: z.optional(z.enum(['good', 'bad'])),
  callId: z.optional(idSchema),
  /** Only clips pinned to this coaching task. */
  taskId: z.optional(idSchema),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50),
});

/** POST /api/v1/coaching/tasks/:id/clips: pins a library clip to a coaching task. */
export const pinClipRequestSchema = z.strictObject({ clipId: idSchema });

// ---- responses ----

/** A training clip: the call's time range, its label and tags, and the masked transcript excerpt. */
export const clipSchema = z.looseObject({
  id: z.string(),
  callId: z.string(),
  agentId: z.nullable(z.string()),
  startS: z.number(),
  endS: z.number(),
  label: z.enum(['good', 'bad']),
  note: z.string(),
  criterionId: z.nullable(z.string()),
  demand: z.nullable(z.string()),
  inquiryType: z.nullable(z.string()),
  language: z.nullable(z.string()),
  /** The transcript lines within the range, personal data masked (`[PHONE]`, `[BANK_CARD]`...); empty without transcript. */
  excerpt: z.array(z.looseObject({ startS: z.number(), endS: z.number(), speaker: z.string(), text: z.string() })),
  createdBy: z.string(),
  createdAt: z.string(),
  /** Coaching tasks this clip is pinned to. */
  taskIds: z.array(z.string()),
});
/** GET /api/v1/clips. */
export const clipListResponseSchema = z.looseObject({ items: z.array(clipSchema) });
/** POST /api/v1/coaching/tasks/:id/clips: the pin; `created` is false when the clip was pinned to that task already. */
export const clipPinResponseSchema = z.looseObject({ clipId: z.string(), taskId: z.string(), pinnedBy: z.string(), pinnedAt: z.string(), created: z.boolean() });

export type SaveClipRequest = z.input<typeof saveClipRequestSchema>;
export type ListClipsQuery = z.input<typeof listClipsQuerySchema>;
export type PinClipRequest = z.input<typeof pinClipRequestSchema>;
export type ClipResponse = z.output<typeof clipSchema>;
export type ClipListResponse = z.output<typeof clipListResponseSchema>;
export type ClipPinResponse = z.output<typeof clipPinResponseSchema>;
