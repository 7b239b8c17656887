import type { Awaitable } from '../../../core/shared/awaitable';
import type { FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import { authorize, scopeFor, type AccessDecision, type ExportTarget, type Principal } from '../../../core/access/access.policy';
import type { Call } from '../../../core/recordings/call';
import type { CallFilter, CallRepository } from '../../../core/recordings/call-repository.port';
import type { Clock } from '../../../core/shared/clock.port';
import { describeIssues } from '../../../core/recordings/call-metadata.schema';
import { normalizePhone } from '../../../core/recordings/phone';
import { auditEntry, type HttpHelpers, type HttpPlugin } from '../http.deps';
import { callFilterFields } from '../call-filter.schema';
import type { StoredExport } from '../../../core/access/export-store.port';

/** An export request as the routes see it: the stored record (core/access/export-store.port.ts). */
export type ExportRecord = StoredExport;

/** Per-tenant export limits (the `exports` tenant setting). */
export interface ExportLimits {
  /** Minutes an approved export stays downloadable. */
  readonly downloadTtlMinutes: number;
  /** Most calls one export may hold. */
  readonly maxCalls: number;
}

/** What the export routes need; wired in bin/wiring/access.wiring.ts. */
export interface ExportsRoutesDeps {
  readonly calls: CallRepository;
  readonly clock: Clock;
  newId(): string;
  limits(tenantId: string): Awaitable<ExportLimits>;
  create(input: Pick<ExportRecord, 'tenantId' | 'id' | 'requestedBy' | 'reason' | 'filter' | 'callIds' | 'audioBytes' | 'createdAt'>): Awaitable<ExportRecord>;
  get(tenantId: string, id: string): Awaitable<ExportRecord | null>;
  list(tenantId: string, options: { status?: ExportRecord['status']; limit: number; before?: { createdAt: string; id: string } }): Awaitable<readonly ExportRecord[]>;
  /** Applies a decision to a still-pending export by someone other than its requester; null when it no longer applies. */
  decide(tenantId: string, id: string, decision: { status: 'approved' | 'rejected'; by: string; at: string; note: string | null; expiresAt: string | null }): Awaitable<ExportRecord | null>;
  recordDownload(tenantId: string, id: string, at: string): Awaitable<void>;
  /** The zip of an approved export: audio, metadata, transcripts and the signed manifest, streamed. */
  streamBundle(record: ExportRecord, calls: readonly Call[]): AsyncIterable<Uint8Array>;
}

/** Zip archives are written without ZIP64, so an export stays under 4 GiB with room for metadata. */
export const MAX_EXPORT_AUDIO_BYTES = 3.5 * 1024 ** 3;

const callId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'is not a call id');
const filterSchema = z
  .object({
    ...callFilterFields,
    status: z.enum(['stored', 'misdial', 'archived']).optional(),
  })
  .strict();
const requestSchema = z
  .object({
    callIds: z.array(callId).min(1).max(5000).optional(),
    filter: filterSchema.optional(),
    reason: z.string().trim().min(5, 'must say why the export is needed (at least 5 characters)').max(2000),
  })
  .strict()
  .refine((body) => (body.callIds === undefined) !== (body.filter === undefined), 'give either callIds or filter, not both');
const decisionSchema = z.object({ note: z.string().trim().min(1).max(2000).optional() }).strict();
const listSchema = z
  .object({
    status: z.enum(['pending', 'approved', 'rejected']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().regex(/^[A-Za-z0-9_:.\-|]{1,200}$/).optional(),
  })
  .strict();
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

type ExportStatus = ExportTarget['status'];


/** The status the policy reads: an approved export past its expiry is `expired`. */
export function effectiveStatus(record: ExportRecord, now: Date): ExportStatus {
  if (record.status === 'approved' && record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return record.status;
}

function view(record: ExportRecord, now: Date) {
  return {
    id: record.id,
    status: effectiveStatus(record, now),
    requestedBy: record.requestedBy,
    reason: record.reason,
    filter: record.filter,
    callIds: record.callIds,
    callCount: record.callIds.length,
    audioBytes: record.audioBytes,
    createdAt: record.createdAt,
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAt,
    decisionNote: record.decisionNote,
    expiresAt: record.expiresAt,
    downloads: record.downloads,
  };
}

/** Maps a denial to its error: state problems are 409/410, everything else 403. */
function denial(decision: AccessDecision, status: ExportStatus, what: string): CallsightError {
  if (decision.reason === 'export_not_approved' && status === 'expired') return new CallsightError('EXPORT_EXPIRED', 'The download of this export has expired; request a new export');
  if (decision.reason === 'export_not_approved') return new CallsightError('CONFLICT', `This export is ${status}; only an approved export can be downloaded`);
  if (decision.reason === 'export_not_pending') return new CallsightError('CONFLICT', `This export is already ${status}`);
  if (decision.reason === 'self_approval') return new CallsightError('FORBIDDEN', 'An export must be approved or rejected by an admin other than its requester');
  if (decision.reason === 'not_requester') return new CallsightError('FORBIDDEN', 'Only the admin who requested this export may download it');
  return new CallsightError('FORBIDDEN', `Your role may not ${what}`);
}

/**
 * Two-person export approval (R-ACC-3): an admin requests an export of calls they can reach (by ids or a
 * filter, resolved and frozen at request time), another admin approves or rejects it, and only the requester
 * downloads the approved bundle until it expires. Every request, decision and download is audited, allowed or
 * denied, under the policy action names `request_export`, `approve_export` (+ `reject_export`) and `download`.
 */
export function exportsRoutes(deps: ExportsRoutesDeps): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    const params = (request: FastifyRequest) => {
      const parsed = idParams.safeParse(request.params);
      if (!parsed.success) throw new CallsightError('NOT_FOUND', 'No export with this id');
      return parsed.data;
    };

    /** Loads an export of the principal's tenant or audits the miss and answers 404. */
    const loadExport = async (principal: Principal, action: string, id: string): Promise<ExportRecord> => {
      const record = await deps.get(principal.tenantId, id);
      if (!record) {
        await helpers.audit(auditEntry(principal, action, `export:${id}`, 'denied', 'not_found'));
        throw new CallsightError('NOT_FOUND', 'No export with this id');
      }
      return record;
    };

    const resolveCalls = async (principal: Principal, body: z.infer<typeof requestSchema>, maxCalls: number): Promise<Call[]> => {
      // The export holds only calls its requester can reach: the same scope as reading them.
      const scope = scopeFor(principal, 'view');
      if (body.callIds) {
        const ids = [...new Set(body.callIds)];
        if (ids.length > maxCalls) throw new CallsightError('VALIDATION_FAILED', `An export holds at most ${maxCalls} calls; split the request`);
        const found: Call[] = [];
        let missing = 0;
        for (const id of ids) {
          const call = await deps.calls.getCall(principal.tenantId, id, scope);
          if (call) found.push(call);
          else missing++;
        }
        if (missing > 0) {
          await helpers.audit(auditEntry(principal, 'request_export', null, 'denied', 'not_found_or_out_of_scope', { missing }));
          throw new CallsightError('CALL_NOT_FOUND', `${missing} of the requested calls are not visible to you`);
        }
        return found;
      }
      const { customerPhone, ...rest } = body.filter!;
      const filter: CallFilter = { ...rest };
      if (customerPhone !== undefined) {
        const tenant = await deps.calls.getTenant(principal.tenantId);
        const e164 = normalizePhone(customerPhone, tenant?.defaultRegion ?? 'CN');
        if (!e164) throw new CallsightError('VALIDATION_FAILED', 'Invalid body: filter.customerPhone: not a valid phone number');
        Object.assign(filter, { customerPhone: e164 });
      }
      const found: Call[] = [];
      let cursor: string | undefined;
      do {
        const page = await deps.calls.listCalls(principal.tenantId, filter, scope, { limit: 200, ...(cursor ? { cursor } : {}) });
        found.push(...page.items.filter((c) => c.status !== 'deleted'));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && found.length <= maxCalls);
      if (found.length > maxCalls) throw new CallsightError('VALIDATION_FAILED', `The filter matches more than ${maxCalls} calls; narrow it or raise the exports.maxCalls setting`);
      if (found.length === 0) throw new CallsightError('VALIDATION_FAILED', 'The filter matches no calls you can reach');
      return found;
    };

    app.post('/api/v1/exports', async (request, reply) => {
      const principal = await helpers.authenticate(request);
      const decision = authorize(principal, 'request_export', { kind: 'tenant', tenantId: principal.tenantId });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'request_export', null, 'denied', decision.reason));
        throw denial(decision, 'pending', 'request exports');
      }
      const parsed = requestSchema.safeParse(request.body);
      if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid body: ${describeIssues(parsed.error)}`);
      const limits = await deps.limits(principal.tenantId);
      const calls = await resolveCalls(principal, parsed.data, limits.maxCalls);
      const audioBytes = calls.reduce((sum, c) => sum + (c.recording?.bytes ?? 0), 0);
      if (audioBytes > MAX_EXPORT_AUDIO_BYTES) {
        throw new CallsightError('VALIDATION_FAILED', 'The export would exceed 3.5 GiB of audio; split it into smaller exports');
      }
      const record = await deps.create({
        tenantId: principal.tenantId,
        id: deps.newId(),
        requestedBy: principal.userId,
        reason: parsed.data.reason,
        filter: parsed.data.filter ?? null,
        callIds: calls.map((c) => c.id),
        audioBytes,
        createdAt: deps.clock.now().toISOString(),
      });
      await helpers.audit(auditEntry(principal, 'request_export', `export:${record.id}`, 'allowed', undefined, { calls: record.callIds.length, audioBytes }));
      return reply.status(201).send(view(record, deps.clock.now()));
    });

    app.get('/api/v1/exports', async (request) => {
      const principal = await helpers.authenticate(request);
      const decision = authorize(principal, 'request_export', { kind: 'tenant', tenantId: principal.tenantId });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'view_exports', null, 'denied', decision.reason));
        throw denial(decision, 'pending', 'see exports');
      }
      const parsed = listSchema.safeParse(request.query);
      if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid query: ${describeIssues(parsed.error)}`);
      const { status, limit, cursor } = parsed.data;
      const [createdAt, id] = cursor ? cursor.split('|') : [];
      const items = await deps.list(principal.tenantId, { ...(status ? { status } : {}), limit, ...(createdAt && id ? { before: { createdAt, id } } : {}) });
      await helpers.audit(auditEntry(principal, 'view_exports', null, 'allowed', undefined, { returned: items.length }));
      const now = deps.clock.now();
      const last = items.at(-1);
      return { items: items.map((r) => view(r, now)), nextCursor: items.length === limit && last ? `${last.createdAt}|${last.id}` : null };
    });

    app.get('/api/v1/exports/:id', async (request) => {
      const principal = await helpers.authenticate(request);
      const { id } = params(request);
      const decision = authorize(principal, 'request_export', { kind: 'tenant', tenantId: principal.tenantId });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'view_export', `export:${id}`, 'denied', decision.reason));
        throw denial(decision, 'pending', 'see exports');
      }
      const record = await loadExport(principal, 'view_export', id);
      await helpers.audit(auditEntry(principal, 'view_export', `export:${id}`, 'allowed'));
      return view(record, deps.clock.now());
    });

    const decide = (status: 'approved' | 'rejected') => async (request: FastifyRequest) => {
      const principal = await helpers.authenticate(request);
      const action = status === 'approved' ? 'approve_export' : 'reject_export';
      const { id } = params(request);
      const record = await loadExport(principal, action, id);
      const now = deps.clock.now();
      const current = effectiveStatus(record, now);
      // Rejecting is the approver's other answer: the same row of the policy governs both.
      const decision = authorize(principal, 'approve_export', { kind: 'export', tenantId: record.tenantId, requestedBy: record.requestedBy, status: current });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, action, `export:${id}`, 'denied', decision.reason));
        throw denial(decision, current, 'approve or reject exports');
      }
      const body = decisionSchema.safeParse(request.body ?? {});
      if (!body.success) throw new CallsightError('VALIDATION_FAILED', `Invalid body: ${describeIssues(body.error)}`);
      const ttlMs = (await deps.limits(principal.tenantId)).downloadTtlMinutes * 60_000;
      const decided = await deps.decide(principal.tenantId, id, {
        status,
        by: principal.userId,
        at: now.toISOString(),
        note: body.data.note ?? null,
        expiresAt: status === 'approved' ? new Date(now.getTime() + ttlMs).toISOString() : null,
      });
      if (!decided) {
        await helpers.audit(auditEntry(principal, action, `export:${id}`, 'denied', 'export_not_pending'));
        throw new CallsightError('CONFLICT', 'This export was decided meanwhile');
      }
      await helpers.audit(auditEntry(principal, action, `export:${id}`, 'allowed', undefined, { calls: decided.callIds.length, ...(decided.expiresAt ? { expiresAt: decided.expiresAt } : {}) }));
      return view(decided, now);
    };
    app.post('/api/v1/exports/:id/approve', decide('approved'));
    app.post('/api/v1/exports/:id/reject', decide('rejected'));

    app.get('/api/v1/exports/:id/download', async (request, reply) => {
      const principal = await helpers.authenticate(request);
      const { id } = params(request);
      const record = await loadExport(principal, 'download', id);
      const now = deps.clock.now();
      const current = effectiveStatus(record, now);
      const decision = authorize(principal, 'download', { kind: 'export', tenantId: record.tenantId, requestedBy: record.requestedBy, status: current });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'download', `export:${id}`, 'denied', current === 'expired' && decision.reason === 'export_not_approved' ? 'export_expired' : decision.reason));
        throw denial(decision, current, 'download exports');
      }
      // Calls deleted since the approval leave with their metadata only; the scope is re-checked at download.
      const scope = scopeFor(principal, 'view');
      const calls: Call[] = [];
      for (const callId of record.callIds) {
        const call = await deps.calls.getCall(principal.tenantId, callId, scope);
        if (call) calls.push(call);
      }
      await helpers.audit(auditEntry(principal, 'download', `export:${id}`, 'allowed', undefined, { calls: calls.length, withAudio: calls.filter((c) => c.recording && c.status !== 'deleted').length }));
      await deps.recordDownload(principal.tenantId, id, now.toISOString());
      const body = Readable.from(deps.streamBundle(record, calls));
      body.on('error', (error) => request.log.error({ err: error, code: (error as CallsightError).code }, 'export stream aborted'));
      return reply
        .header('Content-Type', 'application/zip')
        .header('Content-Disposition', `attachment; filename="callsight-export-${id}.zip"`)
        .header('Cache-Control', 'private, no-store')
        .send(body);
    });
  };
}
