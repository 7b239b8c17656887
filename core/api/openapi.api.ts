import * as z from 'zod/mini';
import { auditRetentionSettingSchema, exportsSettingSchema } from './settings.api';

/**
 * The parts of the hub's API contract that only the OpenAPI document (adapters/http/openapi) needed spelled out:
 * path parameters that are not ids, the health answer, the Twilio callback form, the upload's parts and the
 * document itself. Written with `zod/mini` like the rest of core/api.
 */

/** `GET /healthz`. */
export const healthResponseSchema = z.object({ status: z.literal('ok') });

/** Route parameters `{ provider }` of `/api/v1/webhooks/:provider/recording` (only `twilio` is wired today). */
export const webhookProviderParamsSchema = z.object({ provider: z.string().check(z.minLength(1), z.maxLength(64)) });

/** Route parameters `{ token }` of `/api/v1/playback/:token`: the signed playback token (a JWT). */
export const playbackTokenParamsSchema = z.object({ token: z.string().check(z.minLength(1), z.maxLength(2048)) });

/** Route parameters `{ file }` of `/demo/assets/:file`: a flat built asset name. */
export const demoAssetParamsSchema = z.object({ file: z.string().check(z.regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}$/)) });

/** Route parameters `{ period }` of `/api/v1/sampling/plans/:period`: a month, `YYYY-MM`. */
export const samplingPeriodParamsSchema = z.object({ period: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/)) });

/** Route parameters `{ key }` of `/api/v1/settings/:key`: a setting key such as `audit-retention` or `exports`. */
export const settingKeyPathSchema = z.object({ key: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,63}$/)) });

/**
 * The form parameters of Twilio's recording status callback that the hub reads
 * (https://www.twilio.com/docs/voice/api/recording#recordingstatuscallback), sent as
 * `application/x-www-form-urlencoded` and signed with `X-Twilio-Signature`. Twilio sends more; they are ignored.
 */
export const twilioRecordingCallbackSchema = z.looseObject({
  AccountSid: z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/)),
  CallSid: z.string().check(z.regex(/^CA[0-9a-fA-F]{32}$/)),
  RecordingSid: z.string().check(z.regex(/^RE[0-9a-fA-F]{32}$/)),
  RecordingUrl: z.url(),
  RecordingStatus: z.string(),
  RecordingChannels: z.optional(z.string()),
});

/** `GET /api/v1/openapi.json`: an OpenAPI 3.1 document (only its outline is checked here). */
export const openApiDocumentResponseSchema = z.looseObject({
  openapi: z.string().check(z.regex(/^3\.1\.\d+$/)),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
});

/** Route parameters of the CORS preflight route `OPTIONS /api/v1/*`: the rest of the path. */
export const corsPathParamsSchema = z.object({ path: z.string() });

/** Body of `PUT /api/v1/settings/:key`: the body the key takes (`audit-retention` or `exports`). */
export const settingBodySchema = z.union([auditRetentionSettingSchema, exportsSettingSchema]);

/** The form Zendesk posts to `POST /zendesk/app` (signed URLs): the ZAF JWT in `token`; Zendesk may add fields. */
export const zendeskAppFormSchema = z.looseObject({ token: z.string().check(z.minLength(1)) });
