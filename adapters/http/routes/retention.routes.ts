import { z } from 'zod';
import { CallsightError, isCallsightError } from '../../../core/shared/errors';
import { authorize, conditionFor, scopeFor, type Action, type Principal } from '../../../core/access/access.policy';
import { maskPhone } from '../../../core/access/pii-mask';
import type { Call } from '../../../core/recordings/call';
import type { CallRepository } from '../../../core/recordings/call-repository.port';
import type { Clock } from '../../../core/shared/clock.port';
import type { LegalHold, RetentionPlan, RetentionPolicy } from '../../../core/retention';
import { describeIssues } from '../../../core/recordings/call-metadata.schema';
import { auditEntry, type HttpHelpers, type HttpPlugin } from '../http.deps';

/** Who acts, as the retention service records it. */
export interface RetentionRouteActor {
  readonly userId: string;
  readonly role: Principal['role'];
}

export interface RetentionPolicyView {
  readonly source: 'preset' | 'custom';
  readonly preset: string | null;
  readonly version: number;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  readonly policy: RetentionPolicy;
}

export interface DeletionTombstone {
  readonly callId: string;
  readonly deletedAt: string;
  readonly ruleId: string | null;
  readonly basis: 'policy' | 'admin';
  readonly audioSha256: string | null;
}

/** What the retention routes need; wired in bin/wiring/retention.wiring.ts. */
export interface RetentionRoutesDeps {
  readonly calls: CallRepository;
  readonly clock: Clock;
  policyView(tenantId: string): Promise<RetentionPolicyView>;
  /** Validates and saves; throws VALIDATION_FAILED naming each problem. */
  savePolicy(tenantId: string, input: unknown, actor: RetentionRouteActor): Promise<{ view: RetentionPolicyView; previousVersion: number }>;
  plan(tenantId: string, options: { sampleLimit: number }): Promise<RetentionPlan & { policy: { name: string; source: string; version: number } }>;
  placeHold(tenantId: string, input: unknown, actor: RetentionRouteActor): Promise<LegalHold>;
  releaseHold(tenantId: string, holdId: string, actor: RetentionRouteActor): Promise<LegalHold>;
  listHolds(tenantId: string, query: { activeAt?: string; limit: number; cursor?: string }): Promise<{ items: LegalHold[]; nextCursor: string | null }>;
  /** Crypto-shreds one call; throws LEGAL_HOLD when held, RECORDING_GONE when already deleted. Audits the deletion certificate itself. */
  deleteCall(call: Call, actor: RetentionRouteActor): Promise<DeletionTombstone>;
}

const planQuery = z.object({ sample: z.coerce.number().int().min(0).max(1000).default(50) }).strict();
const holdsQuery = z
  .object({
    active: z.enum(['true', 'false']).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().min(1).max(512).optional(),
  })
  .strict();
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });


/** Selectors as shown to a reader: phone numbers masked for everyone but admins. */
function holdView(hold: LegalHold, principal: Principal, now: Date): Record<string, unknown> {
  const by = hold.by.kind === 'customer' && principal.role !== 'admin' && hold.by.phone !== undefined ? { ...hold.by, phone: maskPhone(hold.by.phone) } : hold.by;
  const t = now.getTime();
  const active = hold.releasedAt == null && (hold.expiresAt == null || Date.parse(hold.expiresAt) > t);
  return { ...hold, by, expiresAt: hold.expiresAt ?? null, releasedAt: hold.releasedAt ?? null, releasedBy: hold.releasedBy ?? null, active };
}

/** Facts about a hold for the audit trail: its kind and size, never the phone or CRM id it names. */
function holdFacts(hold: LegalHold): Record<string, string | number | null> {
  return {
    kind: hold.by.kind,
    ...(hold.by.kind === 'calls' ? { calls: hold.by.callIds.length } : {}),
    expiresAt: hold.expiresAt ?? null,
  };
}

/**
 * Retention and legal-hold routes (docs/retention.md): the tenant policy (read by admins and auditors, changed by
 * admins), the dry-run plan, legal holds, and the admin deletion of a call. Every access is audited, allowed or
 * denied; a successful deletion is audited once, by its deletion certificate.
 */
export function retentionRoutes(deps: RetentionRoutesDeps): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    /** Allows the principal when the role may do one of `actions` tenant-wide; audits and throws FORBIDDEN otherwise. */
    const require = async (principal: Principal, auditAction: string, target: string | null, actions: readonly Action[]) => {
      const allowed = actions.some((a) => authorize(principal, a, { kind: 'tenant', tenantId: principal.tenantId }).allowed);
      if (!allowed) {
        await helpers.audit(auditEntry(principal, auditAction, target, 'denied', 'role_not_permitted'));
        throw new CallsightError('FORBIDDEN', 'Your role may not do this');
      }
    };
    const actor = (p: Principal): RetentionRouteActor => ({ userId: p.userId, role: p.role });
    /** Runs a state change; a rejected input or conflict is audited as denied with its code, then rethrown. */
    const attempt = async <T>(principal: Principal, auditAction: string, target: string | null, run: () => Promise<T>): Promise<T> => {
      try {
        return await run();
      } catch (error) {
        const code = isCallsightError(error) ? error.code.toLowerCase() : 'internal';
        await helpers.audit(auditEntry(principal, auditAction, target, isCallsightError(error) ? 'denied' : 'error', code));
        throw error;
      }
    };

    app.get('/api/v1/retention/policy', async (request) => {
      const principal = await helpers.authenticate(request);
      await require(principal, 'view_settings', 'settings:retention', ['change_settings', 'view_audit']);
      const view = await deps.policyView(principal.tenantId);
      await helpers.audit(auditEntry(principal, 'view_settings', 'settings:retention', 'allowed'));
      return view;
    });

    app.put('/api/v1/retention/policy', async (request) => {
      const principal = await helpers.authenticate(request);
      await require(principal, 'change_settings', 'settings:retention', ['change_settings']);
      const { view, previousVersion } = await attempt(principal, 'change_settings', 'settings:retention', () =>
        deps.savePolicy(principal.tenantId, request.body, actor(principal)),
      );
      await helpers.audit(
        auditEntry(principal, 'change_settings', 'settings:retention', 'allowed', 'retention_policy', {
          source: view.source, name: view.policy.name, rules: view.policy.rules.length, version: view.version, previousVersion,
        }),
      );
      return view;
    });

    app.get('/api/v1/retention/plan', async (request) => {
      const principal = await helpers.authenticate(request);
      await require(principal, 'view_retention_plan', 'settings:retention', ['change_settings', 'view_audit']);
      const parsed = planQuery.safeParse(request.query);
      if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid query: ${describeIssues(parsed.error)}`);
      const plan = await deps.plan(principal.tenantId, { sampleLimit: parsed.data.sample });
      await helpers.audit(auditEntry(principal, 'view_retention_plan', 'settings:retention', 'allowed', undefined, { total: plan.total, ...plan.counts }));
      return plan;
    });

    app.get('/api/v1/legal-holds', async (request) => {
      const principal = await helpers.authenticate(request);
      await require(principal, 'list_legal_holds', null, ['change_settings', 'view_audit']);
      const parsed = holdsQuery.safeParse(request.query);
      if (!parsed.success) throw new CallsightError('VALIDATION_FAILED', `Invalid query: ${describeIssues(parsed.error)}`);
      const now = deps.clock.now();
      const page = await deps.listHolds(principal.tenantId, {
        limit: parsed.data.limit,
        ...(parsed.data.active === 'true' ? { activeAt: now.toISOString() } : {}),
        ...(parsed.data.cursor ? { cursor: parsed.data.cursor } : {}),
      });
      await helpers.audit(auditEntry(principal, 'list_legal_holds', null, 'allowed', undefined, { returned: page.items.length }));
      return { items: page.items.map((h) => holdView(h, principal, now)), nextCursor: page.nextCursor };
    });

    app.post('/api/v1/legal-holds', async (request, reply) => {
      const principal = await helpers.authenticate(request);
      await require(principal, 'place_legal_hold', null, ['change_settings']);
      const hold = await attempt(principal, 'place_legal_hold', null, () => deps.placeHold(principal.tenantId, request.body, actor(principal)));
      await helpers.audit(auditEntry(principal, 'place_legal_hold', `legal_hold:${hold.id}`, 'allowed', undefined, holdFacts(hold)));
      return reply.status(201).send(holdView(hold, principal, deps.clock.now()));
    });

    app.post('/api/v1/legal-holds/:id/release', async (request) => {
      const principal = await helpers.authenticate(request);
      const parsed = idParams.safeParse(request.params);
      if (!parsed.success) throw new CallsightError('NOT_FOUND', 'No legal hold with this id');
      const target = `legal_hold:${parsed.data.id}`;
      await require(principal, 'release_legal_hold', target, ['change_settings']);
      const hold = await attempt(principal, 'release_legal_hold', target, () => deps.releaseHold(principal.tenantId, parsed.data.id, actor(principal)));
      await helpers.audit(auditEntry(principal, 'release_legal_hold', target, 'allowed', undefined, holdFacts(hold)));
      return holdView(hold, principal, deps.clock.now());
    });

    app.delete('/api/v1/calls/:id', async (request) => {
      const principal = await helpers.authenticate(request);
      const parsed = idParams.safeParse(request.params);
      if (!parsed.success) throw new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
      const target = `call:${parsed.data.id}`;
      if (conditionFor(principal.role, 'delete') === 'none') {
        await helpers.audit(auditEntry(principal, 'delete', target, 'denied', 'role_not_permitted'));
        throw new CallsightError('FORBIDDEN', 'Only admins may delete calls');
      }
      const call = await deps.calls.getCall(principal.tenantId, parsed.data.id, scopeFor(principal, 'delete'));
      if (!call) {
        await helpers.audit(auditEntry(principal, 'delete', target, 'denied', 'not_found_or_out_of_scope'));
        throw new CallsightError('CALL_NOT_FOUND', 'No call with this id is visible to you');
      }
      const decision = authorize(principal, 'delete', { kind: 'call', tenantId: call.tenantId, agentId: call.agentId, team: call.team ?? null, queue: call.queue });
      if (!decision.allowed) {
        await helpers.audit(auditEntry(principal, 'delete', target, 'denied', decision.reason));
        throw new CallsightError(decision.conceal ? 'CALL_NOT_FOUND' : 'FORBIDDEN', 'You may not delete this call');
      }
      let tombstone: DeletionTombstone;
      try {
        tombstone = await deps.deleteCall(call, actor(principal));
      } catch (error) {
        const code = isCallsightError(error) ? error.code : null;
        const reason = code === 'LEGAL_HOLD' ? 'legal_hold' : code === 'RECORDING_GONE' ? 'already_deleted' : (code?.toLowerCase() ?? 'internal');
        await helpers.audit(auditEntry(principal, 'delete', target, code ? 'denied' : 'error', reason));
        throw error;
      }
      return {
        callId: tombstone.callId,
        status: 'deleted',
        deletedAt: tombstone.deletedAt,
        ruleId: tombstone.ruleId,
        basis: tombstone.basis,
        audioSha256: tombstone.audioSha256,
      };
    });
  };
}
