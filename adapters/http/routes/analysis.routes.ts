import type { Awaitable } from '../../../core/shared/awaitable';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import { authorize, scopeFor, type Principal } from '../../../core/access/access.policy';
import { redactPii } from '../../../core/access/pii-mask';
import type { CallAnalysis } from '../../../core/analysis/analyze-transcript';
import type { DemandInsights } from '../../../core/analysis/demands/demands';
import type { Segment, Transcript } from '../../../core/analysis/transcript.types';
import type { Call } from '../../../core/recordings/call';
import type { CallRepository } from '../../../core/recordings/call-repository.port';
import { describeIssues } from '../../../core/recordings/call-metadata.schema';
import { auditEntry, type HttpHelpers, type HttpPlugin } from '../http.deps';
import { callFilterFields } from '../call-filter.schema';

export interface TranscriptHighlight {
  readonly segment: number;
  readonly start: number;
  readonly end: number;
  readonly kind: 'sensitive' | 'pii';
  readonly term?: string;
}

/** What the analysis routes need from the hub; wired in bin/wiring/analysis.wiring.ts. */
export interface AnalysisRoutesDeps {
  readonly calls: CallRepository;
  getTranscript(tenantId: string, callId: string): Awaitable<(Transcript & { source: string; createdAt: string }) | null>;
  getAnalysis(tenantId: string, callId: string): Awaitable<CallAnalysis | null>;
  /** Sensitive-word hits on the text actually served (offsets into those segments). */
  findSensitive(tenantId: string, transcript: Transcript): { segment: number; start: number; end: number; term: string }[];
  /** Validates and stores an imported transcript, then queues its analysis. */
  importTranscript(call: Call, format: 'segments' | 'amazon-transcribe', data: unknown, actor: Principal): Promise<{ segments: number }>;
  getSettings(tenantId: string): Awaitable<Record<string, unknown>>;
  saveSettings(tenantId: string, input: unknown, actor: Principal): Promise<Record<string, unknown>>;
  mineDemands(tenantId: string, calls: readonly Call[], options: { top: number }): Promise<DemandInsights>;
}

const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });
const importSchema = z.object({ format: z.enum(['segments', 'amazon-transcribe']).default('segments'), data: z.unknown() }).strict();
const demandsQuery = z
  .object({
    from: callFilterFields.from,
    to: callFilterFields.to,
    inquiryType: callFilterFields.inquiryType,
    tag: callFilterFields.tag,
    top: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

function transcriptMask(principal: Principal, call: Call) {
  return authorize(principal, 'view_transcript', {
    kind: 'call', tenantId: call.tenantId, agentId: call.agentId, team: call.team ?? null, queue: call.queue,
  }).mask;
}

const MASK_TOKEN = /\[(?:BANK_CARD|CN_ID|PHONE|EMAIL)\]/g;
const MAX_DEMAND_CALLS = 20_000;


/**
 * Transcript, analysis, transcript import, tenant analysis settings and demand insights (docs/api.md).
 * Readers whose role sees personal data masked get the redacted transcript; nobody gets another agent's or
 * team's transcript (the scope is part of the query).
 */
export function analysisRoutes(deps: AnalysisRoutesDeps): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    const loadCall = async (principal: Principal, callId: string): Promise<Call> => {
      const call = await deps.calls.getCall(principal.tenantId, callId, scopeFor(principal, 'view_transcript'));
      if (!call) {
        await helpers.audit(auditEntry(principal, 'view_transcript', `call:${callId}`, 'denied', 'not_found_or_out_of_scope'));
        throw new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
      }
      return call;
    };
    const params = (request: FastifyRequest) => {
      const parsed = idParams.safeParse(request.params);
      if (!parsed.success) throw new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
      return parsed.data;
    };

    app.get('/api/v1/calls/:id/transcript', async (request) => {
      const principal = await helpers.authenticate(request);
      const call = await loadCall(principal, params(request).id);
      const transcript = await deps.getTranscript(principal.tenantId, call.id);
      if (!transcript) {
        await helpers.audit(auditEntry(principal, 'view_transcript', `call:${call.id}`, 'denied', 'no_transcript'));
        throw new CallsightError('TRANSCRIPT_NOT_FOUND', 'This call has no transcript yet');
      }
      const mask = transcriptMask(principal, call);
      const analysis = await deps.getAnalysis(principal.tenantId, call.id);
      let segments: readonly Segment[];
      const highlights: TranscriptHighlight[] = [];
      if (mask === 'pii') {
        // The analysis' redaction knows spoken digits; before it exists, fall back to the pattern redactor.
        segments = analysis?.redactedSegments ?? transcript.segments.map((s) => ({ ...s, text: redactPii(s.text) }));
        segments.forEach((segment, index) => {
          for (const match of segment.text.matchAll(MASK_TOKEN)) {
            highlights.push({ segment: index, start: match.index, end: match.index + match[0].length, kind: 'pii' });
          }
        });
      } else {
        segments = transcript.segments;
        for (const hit of analysis?.pii ?? []) highlights.push({ segment: hit.segment, start: hit.start, end: hit.end, kind: 'pii' });
      }
      for (const hit of deps.findSensitive(principal.tenantId, { language: transcript.language, segments })) {
        highlights.push({ ...hit, kind: 'sensitive' });
      }
      highlights.sort((a, b) => a.segment - b.segment || a.start - b.start);
      await helpers.audit(auditEntry(principal, 'view_transcript', `call:${call.id}`, 'allowed', undefined, { masked: mask === 'pii' }));
      return { callId: call.id, language: transcript.language, source: transcript.source, masked: mask === 'pii', segments, highlights };
    });

    app.get('/api/v1/calls/:id/analysis', async (request) => {
      const principal = await helpers.authenticate(request);
      const call = await loadCall(principal, params(request).id);
      const analysis = await deps.getAnalysis(principal.tenantId, call.id);
      if (!analysis) {
        await helpers.audit(auditEntry(principal, 'view_transcript', `call:${call.id}`, 'denied', 'no_analysis'));
        throw new CallsightError('ANALYSIS_NOT_FOUND', 'This call has not been analysed yet');
      }
      const mask = transcriptMask(principal, call);
      await helpers.audit(auditEntry(principal, 'view_transcript', `call:${call.id}`, 'allowed', 'analysis'));
      // The redacted segments are the transcript in another form: served through /transcript only.
      const { redactedSegments: _redacted, ...rest } = analysis;
      return { callId: call.id, masked: mask === 'pii', ...rest };
    });

    app.post('/api/v1/calls/:id/transcript', async (request, reply) => {
      const principal = await helpers.authenticate(request);
      if (principal.role !== 'admin') {
        await helpers.audit(auditEntry(principal, 'import_transcript', `call:${params(request).id}`, 'denied', 'role_not_permitted'));
        throw new CallsightError('FORBIDDEN', 'Only admins and integrations may import transcripts');
      }
      const call = await loadCall(principal, params(request).id);
      const body = importSchema.safeParse(request.body);
      if (!body.success) throw new CallsightError('VALIDATION_FAILED', `Invalid body: ${describeIssues(body.error)}`);
      const result = await deps.importTranscript(call, body.data.format, body.data.data, principal);
      await helpers.audit(auditEntry(principal, 'import_transcript', `call:${call.id}`, 'allowed', body.data.format, { segments: result.segments }));
      return reply.status(202).send({ callId: call.id, segments: result.segments, analysis: 'queued' });
    });

    app.get('/api/v1/settings/analysis', async (request) => {
      const principal = await helpers.authenticate(request);
      const decision = authorize(principal, 'change_settings', { kind: 'tenant', tenantId: principal.tenantId });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'view_settings', 'settings:analysis', 'denied', decision.reason));
        throw new CallsightError('FORBIDDEN', 'Only admins may read the analysis settings');
      }
      await helpers.audit(auditEntry(principal, 'view_settings', 'settings:analysis', 'allowed'));
      return deps.getSettings(principal.tenantId);
    });

    app.put('/api/v1/settings/analysis', async (request) => {
      const principal = await helpers.authenticate(request);
      const decision = authorize(principal, 'change_settings', { kind: 'tenant', tenantId: principal.tenantId });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'change_settings', 'settings:analysis', 'denied', decision.reason));
        throw new CallsightError('FORBIDDEN', 'Only admins may change the analysis settings');
      }
      const saved = await deps.saveSettings(principal.tenantId, request.body, principal);
      await helpers.audit(auditEntry(principal, 'change_settings', 'settings:analysis', 'allowed'));
      return saved;
    });

    app.get('/api/v1/insights/demands', async (request) => {
      const principal = await helpers.authenticate(request);
      const query = demandsQuery.safeParse(request.query);
      if (!query.success) throw new CallsightError('VALIDATION_FAILED', `Invalid query: ${describeIssues(query.error)}`);
      const decision = authorize(principal, 'list');
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'view_insights', 'insights:demands', 'denied', decision.reason));
        throw new CallsightError('FORBIDDEN', 'Your role may not read call insights');
      }
      const { top, ...filter } = query.data;
      const calls: Call[] = [];
      let cursor: string | undefined;
      do {
        const page = await deps.calls.listCalls(principal.tenantId, filter, scopeFor(principal, 'list'), { limit: 200, ...(cursor ? { cursor } : {}) });
        calls.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && calls.length < MAX_DEMAND_CALLS);
      const insights = await deps.mineDemands(principal.tenantId, calls, { top });
      await helpers.audit(auditEntry(principal, 'view_insights', 'insights:demands', 'allowed', undefined, { calls: calls.length }));
      return { ...insights, truncated: calls.length >= MAX_DEMAND_CALLS };
    });
  };
}
