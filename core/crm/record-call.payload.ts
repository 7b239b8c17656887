import { z } from 'zod';
import { CallsightError } from '../shared/errors';
import { describeIssues } from '../recordings/call-metadata.schema';
import type { CrmName } from '../recordings/call';
import type { CrmCallRecord } from './crm-adapter.port';

/** The outbox message kind that asks a CRM adapter to record one call. */
export const RECORD_CALL_KIND = 'crm.record_call';

/** Payload of a `crm.record_call` outbox message, as stored (JSON). */
export interface RecordCallPayload {
  readonly crm: CrmName;
  readonly call: CrmCallRecord;
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
    risk: z.number().min(0).max(1),
    score: z.number().min(0).max(100).nullish(),
    appLink: z
      .string()
      .max(2048)
      .superRefine((link, ctx) => {
        const problem = findAppLinkProblem(link);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      }),
    customerPhone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be E.164')
      .nullable(),
  })
  .strict();

const recordCallPayloadSchema = z.object({ crm: z.enum(['salesforce', 'zendesk']), call: crmCallRecordSchema }).strict();

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
