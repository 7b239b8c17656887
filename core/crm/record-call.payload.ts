import { z } from 'zod';
import { CallsightError } from '../shared/errors';
import { describeIssues } from '../recordings/call-metadata.schema';
import type { CrmName } from '../recordings/call';
import type { CrmCallRecord, CrmEvaluationRecord } from './crm-adapter.port';

/**
 * The outbox message kind that asks a CRM adapter to record one call, at ingest and again each time the call
 * changes (analysis, score, dispute, archive, shredding). The drain sends the call's state as it is at delivery.
 */
export const RECORD_CALL_KIND = 'crm.record_call';
/** The outbox message kind that asks a CRM adapter to record one QA evaluation under its call's record. */
export const RECORD_EVALUATION_KIND = 'crm.record_evaluation';

/** Payload of a `crm.record_call` outbox message, as stored (JSON). */
export interface RecordCallPayload {
  readonly crm: CrmName;
  readonly call: CrmCallRecord;
}

/** Payload of a `crm.record_evaluation` outbox message, as stored (JSON). */
export interface RecordEvaluationPayload {
  readonly crm: CrmName;
  readonly evaluation: CrmEvaluationRecord;
}

const AUDIO_EXTENSIONS = /\.(wav|mp3|m4a|ogg|oga|opus|flac|aac|webm|amr)$/i;
/** Query keys of signed or token-bearing URLs (hub playback tokens, S3 and GCS presigned URLs, JWTs). */
const SECRET_QUERY_KEYS = /^(token|access_token|jwt|sig|signature|x-amz-signature|x-amz-credential|x-goog-signature|expires)$/i;

/**
 * Why a URL may not be put on a CRM record, or null when it may. The app link is visible to every
 * agent who opens the customer, so it must open the app (which checks permissions), never play audio
 * or carry a credential.
 */
export function findAppLinkProblem(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return 'must be an absolute URL';
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must use https';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  if (AUDIO_EXTENSIONS.test(url.pathname) || /\/(audio|playback)(\/|$)/i.test(url.pathname)) {
    return 'must open the app, not an audio file or playback URL';
  }
  for (const key of url.searchParams.keys()) {
    if (SECRET_QUERY_KEYS.test(key)) return 'must not carry a token or signature';
  }
  return null;
}

const crmCallRecordSchema = z
  .object({
    hubCallId: z.string().min(1).max(128),
    startedAt: z.iso.datetime({ offset: true }),
    durationS: z.number().finite().min(0).max(86_400),
    direction: z.enum(['inbound', 'outbound']),
    agentName: z.string().min(1).max(128).nullable(),
    inquiryType: z.string().min(1).max(128).nullable(),
    flags: z.array(z.string().min(1).max(64)).max(64),
    analysis: z.enum(['pending', 'done', 'none']).optional(),
    risk: z.number().min(0).max(1),
    customerEmotion: z.string().min(1).max(32).nullish(),
    score: z.number().min(0).max(100).nullish(),
    recordingStatus: z.enum(['stored', 'archived', 'deleted']).optional(),
    appLink: z
      .string()
      .max(2048)
      .superRefine((link, ctx) => {
        const problem = findAppLinkProblem(link);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .nullable(),
    crmRecordId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).nullish(),
    customerPhone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be E.164')
      .nullable(),
  })
  .strict();

const recordCallPayloadSchema = z.object({ crm: z.enum(['salesforce', 'zendesk']), call: crmCallRecordSchema }).strict();

const crmEvaluationRecordSchema = z
  .object({
    hubEvaluationId: z.string().min(1).max(128),
    hubCallId: z.string().min(1).max(128),
    scorecard: z.string().min(1).max(255),
    scorecardVersion: z.string().min(1).max(32),
    sectionScores: z.array(z.object({ section: z.string().min(1).max(255), score: z.number().finite() }).strict()).max(50),
    totalScore: z.number().min(0).max(100),
    reviewerName: z.string().min(1).max(128).nullable(),
    status: z.string().min(1).max(32),
    disputeState: z.string().min(1).max(32).nullable(),
  })
  .strict();

const recordEvaluationPayloadSchema = z.object({ crm: z.enum(['salesforce', 'zendesk']), evaluation: crmEvaluationRecordSchema }).strict();

/** Validates a stored `crm.record_evaluation` payload; VALIDATION_FAILED naming the bad fields, never their values. */
export function parseRecordEvaluationPayload(value: unknown): RecordEvaluationPayload {
  const parsed = recordEvaluationPayloadSchema.safeParse(value);
  if (!parsed.success) {
    throw new CallsightError('VALIDATION_FAILED', `invalid ${RECORD_EVALUATION_KIND} payload: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Validates a stored payload (or one about to be stored). Throws `CallsightError('VALIDATION_FAILED')`
 * naming the bad fields, never their values.
 */
export function parseRecordCallPayload(value: unknown): RecordCallPayload {
  const parsed = recordCallPayloadSchema.safeParse(value);
  if (!parsed.success) {
    throw new CallsightError('VALIDATION_FAILED', `invalid ${RECORD_CALL_KIND} payload: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
