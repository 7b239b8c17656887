import type * as zc from 'zod/v4/core';
import { CALL_FLAG_CODES } from '../../../app/calls';
import * as analysis from '../../../core/api/analysis.api';
import * as audit from '../../../core/api/audit.api';
import * as calls from '../../../core/api/calls.api';
import * as coaching from '../../../core/api/coaching.api';
import * as completeness from '../../../core/api/completeness.api';
import * as demo from '../../../core/api/demo.api';
import * as exportsApi from '../../../core/api/exports.api';
import * as insights from '../../../core/api/insights.api';
import * as openapi from '../../../core/api/openapi.api';
import * as quality from '../../../core/api/quality.api';
import * as recordings from '../../../core/api/recordings.api';
import * as retention from '../../../core/api/retention.api';
import * as salesforce from '../../../core/api/salesforce-session.api';
import * as settings from '../../../core/api/settings.api';
import { callMetadataSchema } from '../../../core/recordings/call-metadata.schema';
import { idParamsSchema } from '../../../core/shared/ids';
import { ADMIN_ROUTE_DOCS } from '../routes/admin.routes';
import { TRAINING_ROUTE_DOCS } from '../routes/training.routes';
import { CONNECT_ROUTE_DOCS } from '../routes/connect.routes';

/** Any zod 4 schema, classic or mini. */
export type ApiSchema = zc.$ZodType;

/** A schema with the component name it is published under in the document (`#/components/schemas/<name>`). */
export interface NamedSchema {
  readonly name: string;
  readonly schema: ApiSchema;
}

/**
 * How a route authenticates: `bearer` a hub token; `zendesk-jwt` a JWT signed by Zendesk's proxy;
 * `webhook-signature` the provider's signature header (Twilio: `X-Twilio-Signature`); `signed-url` a token in the
 * path; `none` nothing (public or demo-only routes).
 */
export type RouteAuth = 'bearer' | 'zendesk-jwt' | 'webhook-signature' | 'signed-url' | 'none';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

/** One documented answer: JSON described by a schema, bytes of some media types, or no body. */
export type ResponseDoc =
  | { readonly description: string; readonly json: NamedSchema | ApiSchema }
  | { readonly description: string; readonly binary: readonly string[] }
  | { readonly description: string; readonly empty: true };

/** What a route takes in its body. */
export type RequestBodyDoc =
  | { readonly json: NamedSchema | ApiSchema; readonly required?: boolean }
  | { readonly form: ApiSchema }
  | { readonly multipart: { readonly metadata: ApiSchema; readonly fileField: string; readonly fileTypes: readonly string[] } };

/**
 * One route of the hub as the OpenAPI document describes it. `path` is written as Fastify registers it
 * (`/api/v1/calls/:id`, `*` for a wildcard), so the route-coverage test compares it with the live router as is.
 * `errors` are the statuses answered with the common error envelope (core/api/common.api.ts).
 */
export interface RouteDoc {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly params?: ApiSchema;
  readonly query?: ApiSchema;
  /** Request headers the route reads besides authentication (e.g. `Range`). */
  readonly headers?: readonly { readonly name: string; readonly description: string }[];
  readonly body?: RequestBodyDoc;
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  readonly errors: readonly number[];
  /** Error statuses may also answer a (bilingual) HTML page instead of the JSON envelope (pages opened by a browser). */
  readonly htmlErrors?: boolean;
}

const named = (name: string, schema: ApiSchema): NamedSchema => ({ name, schema });

/** Statuses every authenticated route may answer with the error envelope. */
const AUTHENTICATED = [400, 401, 403, 404, 429, 500] as const;
/** ... and those of a route that reads a body (too large, unsupported content type). */
const WITH_BODY = [...AUTHENTICATED, 413, 415] as const;
/** Statuses a public route may answer with the error envelope. */
const PUBLIC = [400, 404, 429, 500] as const;

const AUDIO_TYPES = ['audio/wav', 'audio/mpeg'] as const;
const ASSET_TYPES = ['text/javascript', 'text/css', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/x-icon', 'font/woff2', 'font/woff', 'application/json', 'text/plain', 'application/octet-stream'] as const;

const callView = named('CallView', calls.callViewSchema);
const callPage = named('CallPage', calls.callPageSchema);
const scorecard = named('Scorecard', quality.scorecardSchema);
const dispute = named('Dispute', quality.disputeSchema);
const coachingTask = named('CoachingTask', coaching.coachingTaskSchema);
const exportView = named('ExportView', exportsApi.exportViewSchema);
const legalHold = named('LegalHoldView', retention.legalHoldViewSchema);
const settingView = named('SettingView', settings.settingViewSchema);
const analysisSettings = named('AnalysisSettingsView', analysis.analysisSettingsResponseSchema);
const retentionPolicyView = named('RetentionPolicyView', retention.retentionPolicyViewSchema);
const recordingCallback = named('RecordingCallbackResponse', recordings.recordingCallbackResponseSchema);
const HTML = ['text/html'] as const;

const ok = (json: NamedSchema | ApiSchema, description = 'OK'): ResponseDoc => ({ description, json });
const audio = (description: string): ResponseDoc => ({ description, binary: AUDIO_TYPES });
const RANGE_HEADER = { name: 'Range', description: 'One byte range (`bytes=0-1023`); answered with 206 and Content-Range' };

/**
 * Every route the hub registers, in the order of the router's listing. The OpenAPI document is generated from
 * this table (openapi.document.ts); test/api/openapi.api.test.ts fails when the live hub has a route this table
 * lacks (or the other way round), and test hubs check every JSON answer against the document.
 */
export const API_ROUTES: readonly RouteDoc[] = [
  {
    method: 'GET', path: '/healthz', operationId: 'getHealth', summary: 'Liveness check', tags: ['hub'], auth: 'none',
    responses: { 200: ok(openapi.healthResponseSchema) }, errors: [429, 500],
  },
  {
    method: 'GET', path: '/api/v1/openapi.json', operationId: 'getOpenApiDocument', summary: 'This OpenAPI 3.1 document', tags: ['hub'], auth: 'none',
    responses: { 200: ok(openapi.openApiDocumentResponseSchema) }, errors: [429, 500],
  },
  {
    method: 'OPTIONS', path: '/api/v1/*', operationId: 'preflight', summary: 'CORS preflight for any /api/v1 path',
    description: 'Answered for allowed origins (Zendesk app iframes and configured origins) with the allowed methods and headers; 403 for other origins.',
    tags: ['hub'], auth: 'none', params: openapi.corsPathParamsSchema,
    responses: { 204: { description: 'Preflight accepted (or no Origin header)', empty: true } }, errors: [400, 403, 413, 415, 429, 500],
  },
  // ---- calls ----
  {
    method: 'POST', path: '/api/v1/calls', operationId: 'uploadCall', summary: 'Upload a call (metadata and audio)', tags: ['calls'], auth: 'bearer',
    description: 'Admins only; a refused role gets 403 before the body is read. Idempotent on (provider, providerCallId): a repeat answers 200 with the stored call.',
    body: { multipart: { metadata: callMetadataSchema, fileField: 'audio', fileTypes: AUDIO_TYPES } },
    responses: { 201: ok(callView, 'Stored'), 200: ok(callView, 'Already stored (same provider call id)') },
    errors: [...WITH_BODY, 422],
  },
  {
    method: 'GET', path: '/api/v1/calls', operationId: 'listCalls', summary: 'List and search calls', tags: ['calls'], auth: 'bearer',
    description: `Unknown parameters are refused. \`flag\` is one of ${CALL_FLAG_CODES.join(', ')}. \`speaker\` and \`sort=relevance\` need \`q\`.`,
    query: calls.listCallsQuerySchema, responses: { 200: ok(callPage) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/calls/:id', operationId: 'getCall', summary: 'One call', tags: ['calls'], auth: 'bearer',
    params: calls.callParamsSchema, responses: { 200: ok(callView) }, errors: AUTHENTICATED,
  },
  {
    method: 'DELETE', path: '/api/v1/calls/:id', operationId: 'deleteCall', summary: 'Delete a call (crypto-shred its recording)', tags: ['retention'], auth: 'bearer',
    params: calls.callParamsSchema, responses: { 200: ok(retention.callDeletionSchema) }, errors: [...WITH_BODY, 409, 410, 423],
  },
  {
    method: 'GET', path: '/api/v1/calls/:id/audio', operationId: 'playCall', summary: 'The decrypted recording', tags: ['calls'], auth: 'bearer',
    params: calls.callParamsSchema, headers: [RANGE_HEADER],
    responses: { 200: audio('The whole recording'), 206: audio('The requested range') }, errors: [...AUTHENTICATED, 410, 416, 422, 423],
  },
  {
    method: 'GET', path: '/api/v1/calls/:id/analysis', operationId: 'getAnalysis', summary: "The call's analysis", tags: ['analysis'], auth: 'bearer',
    params: calls.callParamsSchema, responses: { 200: ok(analysis.analysisResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/calls/:id/playback-url', operationId: 'issuePlaybackUrl', summary: 'A header-free playback URL valid 5 minutes', tags: ['calls'], auth: 'bearer',
    params: calls.callParamsSchema, responses: { 200: ok(calls.playbackUrlSchema) }, errors: [...WITH_BODY, 410],
  },
  {
    method: 'GET', path: '/api/v1/calls/:id/transcript', operationId: 'getTranscript', summary: 'The transcript, redacted for the reader', tags: ['analysis'], auth: 'bearer',
    params: calls.callParamsSchema, responses: { 200: ok(analysis.transcriptResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/calls/:id/transcript', operationId: 'importTranscript', summary: 'Import a transcript (analysis runs as a job)', tags: ['analysis'], auth: 'bearer',
    params: calls.callParamsSchema, body: { json: analysis.transcriptImportBodySchema },
    responses: { 202: ok(analysis.transcriptImportResponseSchema, 'Stored; analysis queued') }, errors: [...WITH_BODY, 409, 410],
  },
  {
    method: 'POST', path: '/api/v1/calls/:id/evaluations', operationId: 'submitEvaluation', summary: 'Score a call against a scorecard', tags: ['quality'], auth: 'bearer',
    params: calls.callParamsSchema, body: { json: quality.submitEvaluationRequestSchema },
    responses: { 201: ok(quality.submitEvaluationResponseSchema, 'Stored') }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/calls/:id/evaluations', operationId: 'listCallEvaluations', summary: "A call's evaluations", tags: ['quality'], auth: 'bearer',
    params: calls.callParamsSchema, responses: { 200: ok(quality.callEvaluationsResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/calibration', operationId: 'reportCalibration', summary: 'Reviewer agreement per scorecard version', tags: ['quality'], auth: 'bearer',
    query: quality.calibrationQuerySchema, responses: { 200: ok(quality.calibrationResponseSchema) }, errors: AUTHENTICATED,
  },
  // ---- coaching ----
  {
    method: 'POST', path: '/api/v1/coaching/tasks', operationId: 'assignCoachingTask', summary: 'Assign a coaching task', tags: ['coaching'], auth: 'bearer',
    body: { json: coaching.assignCoachingTaskRequestSchema }, responses: { 201: ok(coachingTask, 'Assigned') }, errors: WITH_BODY,
  },
  {
    method: 'GET', path: '/api/v1/coaching/tasks', operationId: 'listCoachingTasks', summary: 'Coaching tasks', tags: ['coaching'], auth: 'bearer',
    query: coaching.listCoachingTasksQuerySchema, responses: { 200: ok(coaching.coachingTaskListResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/coaching/tasks/:id', operationId: 'getCoachingTask', summary: 'One coaching task', tags: ['coaching'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(coachingTask) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/coaching/tasks/:id/acknowledge', operationId: 'acknowledgeCoachingTask', summary: 'The agent acknowledges a task', tags: ['coaching'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(coachingTask) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'POST', path: '/api/v1/coaching/tasks/:id/complete', operationId: 'completeCoachingTask', summary: 'The agent completes a task', tags: ['coaching'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(coachingTask) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'POST', path: '/api/v1/coaching/tasks/:id/follow-up', operationId: 'planFollowUp', summary: 'Sample calls after completion for re-review', tags: ['coaching'], auth: 'bearer',
    params: idParamsSchema, body: { json: coaching.followUpRequestSchema, required: false },
    responses: { 200: ok(coaching.followUpResponseSchema) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/coaching/tasks/:id/outcome', operationId: 'getCoachingOutcome', summary: 'Before/after per criterion', tags: ['coaching'], auth: 'bearer',
    params: idParamsSchema, query: coaching.coachingOutcomeQuerySchema, responses: { 200: ok(coaching.coachingOutcomeResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/coaching/problems', operationId: 'findCoachingProblems', summary: 'Shared and individual problems', tags: ['coaching'], auth: 'bearer',
    query: coaching.coachingProblemsQuerySchema, responses: { 200: ok(coaching.coachingProblemsResponseSchema) }, errors: AUTHENTICATED,
  },
  // ---- playback, webhooks, settings, session ----
  {
    method: 'GET', path: '/api/v1/playback/:token', operationId: 'playSignedUrl', summary: 'Play a recording through a signed URL', tags: ['calls'], auth: 'signed-url',
    params: openapi.playbackTokenParamsSchema, headers: [RANGE_HEADER],
    responses: { 200: audio('The whole recording'), 206: audio('The requested range') }, errors: [...AUTHENTICATED, 410, 416, 422, 423],
  },
  {
    method: 'POST', path: '/api/v1/webhooks/:provider/recording', operationId: 'receiveRecordingWebhook', summary: "A telephony provider's recording callback", tags: ['telephony'], auth: 'webhook-signature',
    params: openapi.webhookProviderParamsSchema, body: { form: openapi.twilioRecordingCallbackSchema },
    description: 'Verified and recorded at once (202 `accepted`); a job fetches the recording with retries. 200 when the call is stored already or the status is not acted on.',
    responses: {
      202: ok(recordingCallback, 'Accepted; the recording is fetched by a job'),
      201: ok(recordingCallback, 'Stored (a provider that sends the audio in the callback)'),
      200: ok(recordingCallback, 'Duplicate or ignored'),
    },
    errors: [...WITH_BODY, 422, 502, 503],
  },
  {
    method: 'GET', path: '/api/v1/recordings/missing', operationId: 'listMissingRecordings', summary: 'Reported recordings that never arrived', tags: ['telephony'], auth: 'bearer',
    query: recordings.missingRecordingsQuerySchema, responses: { 200: ok(recordings.missingRecordingsPageSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/recordings/completeness', operationId: 'reportRecordingCompleteness', summary: "Recorded calls on the providers' own lists against the stored calls", tags: ['telephony'], auth: 'bearer',
    description: 'Admins. Counts the ledger of provider calls (Twilio lists as last reconciled, Connect contact records, PBX CDR rows) in [from, to) against the stored calls; each gap with its reason. `callsight completeness` and the daily job refresh the lists and fetch what they can.',
    query: completeness.completenessQuerySchema, responses: { 200: ok(named('CompletenessReport', completeness.completenessReportSchema)) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/zendesk/app', operationId: 'openZendeskApp', summary: "The Zendesk app page, opened by Zendesk's signed POST", tags: ['crm'], auth: 'none',
    description: 'Zendesk posts a ZAF JWT (RS256, signed URLs) in the form field `token`; the answer is the widget page with a short-lived hub session. Refusals are a bilingual HTML page (JSON when the client asks only for JSON).',
    body: { form: openapi.zendeskAppFormSchema }, responses: { 200: { description: 'The widget page with its session', binary: HTML } },
    errors: [...PUBLIC, 401, 403, 413, 415, 503], htmlErrors: true,
  },
  {
    method: 'GET', path: '/zendesk/app', operationId: 'refuseZendeskAppGet', summary: 'Refused: the app page needs Zendesk’s signed POST', tags: ['crm'], auth: 'none',
    responses: {}, errors: [401, 429, 500], htmlErrors: true,
  },
  {
    method: 'GET', path: '/zendesk/assets/:file', operationId: 'getZendeskAppAsset', summary: "The Zendesk app page's built assets", tags: ['crm'], auth: 'none',
    params: openapi.demoAssetParamsSchema, responses: { 200: { description: 'A built asset', binary: ASSET_TYPES } }, errors: PUBLIC,
  },
  {
    method: 'GET', path: '/api/v1/settings/analysis', operationId: 'getAnalysisSettings', summary: "The tenant's analysis settings", tags: ['analysis'], auth: 'bearer',
    responses: { 200: ok(analysisSettings) }, errors: AUTHENTICATED,
  },
  {
    method: 'PUT', path: '/api/v1/settings/analysis', operationId: 'saveAnalysisSettings', summary: "Replace the tenant's analysis settings", tags: ['analysis'], auth: 'bearer',
    body: { json: analysis.analysisSettingsSchema }, responses: { 200: ok(analysisSettings) }, errors: WITH_BODY,
  },
  {
    method: 'GET', path: '/api/v1/settings/:key', operationId: 'getSetting', summary: 'A tenant setting', tags: ['settings'], auth: 'bearer',
    params: openapi.settingKeyPathSchema, responses: { 200: ok(settingView) }, errors: AUTHENTICATED,
  },
  {
    method: 'PUT', path: '/api/v1/settings/:key', operationId: 'changeSetting', summary: 'Change a tenant setting', tags: ['settings'], auth: 'bearer',
    params: openapi.settingKeyPathSchema, body: { json: openapi.settingBodySchema },
    responses: { 200: ok(settingView) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'POST', path: '/api/v1/salesforce/session', operationId: 'exchangeSalesforceSession', summary: "Exchange a Salesforce org's signed assertion for a hub session", tags: ['crm'], auth: 'none',
    description: "The org's Apex signs a 60-second RS256 assertion with its certificate; the hub verifies org, audience, expiry and replay and maps Callsight_* permission sets to a role.",
    body: { json: salesforce.salesforceSessionRequestSchema }, responses: { 200: ok(salesforce.salesforceSessionResponseSchema) }, errors: [...WITH_BODY],
  },
  // ---- quality ----
  {
    method: 'GET', path: '/api/v1/scorecards', operationId: 'listScorecards', summary: 'Scorecards (latest versions)', tags: ['quality'], auth: 'bearer',
    responses: { 200: ok(quality.scorecardListResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/scorecards', operationId: 'createScorecard', summary: 'Create a scorecard', tags: ['quality'], auth: 'bearer',
    body: { json: quality.createScorecardRequestSchema }, responses: { 201: ok(scorecard, 'Created') }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/scorecards/:id', operationId: 'getScorecard', summary: 'A scorecard with its versions', tags: ['quality'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(quality.scorecardResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'PUT', path: '/api/v1/scorecards/:id', operationId: 'reviseScorecard', summary: 'Revise a scorecard (a new version)', tags: ['quality'], auth: 'bearer',
    params: idParamsSchema, body: { json: quality.reviseScorecardRequestSchema }, responses: { 200: ok(scorecard) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/scorecards/:id/versions/:version', operationId: 'getScorecardVersion', summary: 'One scorecard version', tags: ['quality'], auth: 'bearer',
    params: quality.scorecardVersionParamsSchema, responses: { 200: ok(scorecard) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/sampling/reviewers', operationId: 'listReviewers', summary: 'The sampling roster', tags: ['quality'], auth: 'bearer',
    responses: { 200: ok(quality.reviewersResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'PUT', path: '/api/v1/sampling/reviewers', operationId: 'setReviewers', summary: 'Replace the sampling roster', tags: ['quality'], auth: 'bearer',
    body: { json: quality.setReviewersRequestSchema }, responses: { 200: ok(quality.reviewersResponseSchema) }, errors: WITH_BODY,
  },
  {
    method: 'POST', path: '/api/v1/sampling/plans', operationId: 'planSample', summary: "Plan a month's QA sample", tags: ['quality'], auth: 'bearer',
    body: { json: quality.samplePlanRequestSchema }, responses: { 201: ok(quality.samplePlanResponseSchema, 'Planned') }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/sampling/plans/:period', operationId: 'getSamplePlan', summary: "A month's stored sampling plan", tags: ['quality'], auth: 'bearer',
    params: openapi.samplingPeriodParamsSchema, responses: { 200: ok(quality.storedSamplePlanResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/reviews/mine', operationId: 'listMyReviews', summary: "The reader's review assignments of a month, with their calls, scores and disputes", tags: ['quality'], auth: 'bearer',
    query: quality.myReviewsQuerySchema, responses: { 200: ok(quality.myReviewsResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/evaluations/:id', operationId: 'getEvaluation', summary: 'One evaluation', tags: ['quality'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(quality.evaluationViewSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/evaluations/:id/disputes', operationId: 'openDispute', summary: 'Dispute an evaluation', tags: ['quality'], auth: 'bearer',
    params: idParamsSchema, body: { json: quality.openDisputeRequestSchema }, responses: { 201: ok(dispute, 'Opened') }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/disputes', operationId: 'listDisputes', summary: 'Disputes', tags: ['quality'], auth: 'bearer',
    query: quality.listDisputesQuerySchema, responses: { 200: ok(quality.disputeListResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/disputes/:id', operationId: 'getDispute', summary: 'One dispute', tags: ['quality'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(dispute) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/disputes/:id/resolve', operationId: 'resolveDispute', summary: 'Resolve a dispute', tags: ['quality'], auth: 'bearer',
    params: idParamsSchema, body: { json: quality.resolveDisputeRequestSchema }, responses: { 200: ok(quality.resolveDisputeResponseSchema) }, errors: [...WITH_BODY, 409],
  },
  // ---- insights ----
  {
    method: 'GET', path: '/api/v1/insights/demands', operationId: 'getDemandInsights', summary: 'Customer demands mined from transcripts', tags: ['insights'], auth: 'bearer',
    query: analysis.demandsQuerySchema, responses: { 200: ok(analysis.demandInsightsResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/insights/segments', operationId: 'compareSegments', summary: 'Call content of a customer tag vs the rest', tags: ['insights'], auth: 'bearer',
    query: insights.segmentQuerySchema, responses: { 200: ok(insights.segmentResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/kpis', operationId: 'reportKpis', summary: 'Quality KPIs per group', tags: ['insights'], auth: 'bearer',
    query: insights.kpiQuerySchema, responses: { 200: ok(insights.kpiResponseSchema) }, errors: AUTHENTICATED,
  },
  // ---- audit, exports ----
  {
    method: 'GET', path: '/api/v1/audit', operationId: 'listAuditEvents', summary: "The tenant's audit events", tags: ['audit'], auth: 'bearer',
    query: audit.auditListQuerySchema, responses: { 200: ok(audit.auditPageSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/audit/verify', operationId: 'verifyAuditChain', summary: 'Verify the hash chain', tags: ['audit'], auth: 'bearer',
    responses: { 200: ok(audit.auditVerificationSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/exports', operationId: 'requestExport', summary: 'Request an export (needs another admin’s approval)', tags: ['exports'], auth: 'bearer',
    body: { json: exportsApi.exportRequestBodySchema }, responses: { 201: ok(exportView, 'Requested') }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/exports', operationId: 'listExports', summary: 'Export requests', tags: ['exports'], auth: 'bearer',
    query: exportsApi.exportListQuerySchema, responses: { 200: ok(exportsApi.exportPageSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/exports/:id', operationId: 'getExport', summary: 'One export request', tags: ['exports'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(exportView) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/exports/:id/approve', operationId: 'approveExport', summary: 'Approve an export (another admin)', tags: ['exports'], auth: 'bearer',
    params: idParamsSchema, body: { json: exportsApi.exportDecisionBodySchema, required: false }, responses: { 200: ok(exportView) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'POST', path: '/api/v1/exports/:id/reject', operationId: 'rejectExport', summary: 'Reject an export', tags: ['exports'], auth: 'bearer',
    params: idParamsSchema, body: { json: exportsApi.exportDecisionBodySchema, required: false }, responses: { 200: ok(exportView) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/exports/:id/download', operationId: 'downloadExport', summary: 'Download an approved export (zip)', tags: ['exports'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: { description: 'A zip with the recordings and a signed manifest', binary: ['application/zip'] } },
    errors: [...AUTHENTICATED, 409, 410],
  },
  // ---- retention ----
  {
    method: 'GET', path: '/api/v1/retention/policy', operationId: 'viewRetentionPolicy', summary: "The tenant's retention policy", tags: ['retention'], auth: 'bearer',
    responses: { 200: ok(retentionPolicyView) }, errors: AUTHENTICATED,
  },
  {
    method: 'PUT', path: '/api/v1/retention/policy', operationId: 'changeRetentionPolicy', summary: 'Set the retention policy (preset or rules)', tags: ['retention'], auth: 'bearer',
    body: { json: retention.retentionPolicyBodySchema }, responses: { 200: ok(retentionPolicyView) }, errors: WITH_BODY,
  },
  {
    method: 'GET', path: '/api/v1/retention/plan', operationId: 'planRetention', summary: 'What a sweep now would do (dry run)', tags: ['retention'], auth: 'bearer',
    query: retention.retentionPlanQuerySchema, responses: { 200: ok(retention.retentionPlanSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/retention/sweep', operationId: 'sweepRetention', summary: 'Apply the retention policy now', tags: ['retention'], auth: 'bearer',
    body: { json: retention.retentionSweepBodySchema, required: false }, responses: { 200: ok(retention.retentionSweepSchema) }, errors: [...WITH_BODY, 409],
  },
  {
    method: 'GET', path: '/api/v1/legal-holds', operationId: 'listLegalHolds', summary: 'Legal holds', tags: ['retention'], auth: 'bearer',
    query: retention.legalHoldsQuerySchema, responses: { 200: ok(retention.legalHoldPageSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/legal-holds', operationId: 'placeLegalHold', summary: 'Place a legal hold', tags: ['retention'], auth: 'bearer',
    body: { json: retention.placeLegalHoldBodySchema }, responses: { 201: ok(legalHold, 'Placed') }, errors: WITH_BODY,
  },
  {
    method: 'POST', path: '/api/v1/legal-holds/:id/release', operationId: 'releaseLegalHold', summary: 'Release a legal hold', tags: ['retention'], auth: 'bearer',
    params: idParamsSchema, responses: { 200: ok(legalHold) }, errors: [...WITH_BODY, 409],
  },
  // ---- demo ----
  {
    method: 'GET', path: '/demo', operationId: 'getDemoPage', summary: 'The demo page (only while the demo is on)', tags: ['demo'], auth: 'none',
    responses: { 200: { description: 'The widget in a Zendesk-like sidebar', binary: HTML } }, errors: [...PUBLIC, 403, 503],
  },
  {
    method: 'GET', path: '/demo/', operationId: 'getDemoPageSlash', summary: 'The demo page (trailing slash)', tags: ['demo'], auth: 'none',
    responses: { 200: { description: 'The widget in a Zendesk-like sidebar', binary: HTML } }, errors: [...PUBLIC, 403, 503],
  },
  {
    method: 'GET', path: '/demo/salesforce', operationId: 'getSalesforceDemoPage', summary: 'The Salesforce demo page (only while the demo is on)', tags: ['demo'], auth: 'none',
    responses: { 200: { description: 'Lightning-like record pages with the Callsight components', binary: HTML } }, errors: [...PUBLIC, 403, 503],
  },
  {
    method: 'GET', path: '/demo/salesforce/:file', operationId: 'getSalesforceDemoBundle', summary: "One Salesforce component's bundle (callsight-<component>.iife.js) the demo loads", tags: ['demo'], auth: 'none',
    params: openapi.demoAssetParamsSchema,
    responses: { 200: { description: 'The built bundle', binary: ['text/javascript'] } }, errors: [...PUBLIC, 403, 503],
  },
  {
    method: 'GET', path: '/demo/assets/:file', operationId: 'getDemoAsset', summary: "The demo page's built assets", tags: ['demo'], auth: 'none',
    params: openapi.demoAssetParamsSchema,
    responses: { 200: { description: 'A built asset', binary: ASSET_TYPES } },
    errors: [...PUBLIC, 403, 503],
  },
  {
    method: 'GET', path: '/demo/customers', operationId: 'listDemoCustomers', summary: 'Demo customers with calls', tags: ['demo'], auth: 'none',
    responses: { 200: ok(demo.demoCustomersResponseSchema) }, errors: [...PUBLIC, 403],
  },
  {
    method: 'POST', path: '/demo/token', operationId: 'issueDemoToken', summary: 'A short-lived demo token for a role', tags: ['demo'], auth: 'none',
    body: { json: demo.demoTokenRequestSchema }, responses: { 200: ok(demo.demoTokenResponseSchema) }, errors: [...PUBLIC, 403, 413, 415],
  },
  ...ADMIN_ROUTE_DOCS,
  ...TRAINING_ROUTE_DOCS,
  ...CONNECT_ROUTE_DOCS,
];

