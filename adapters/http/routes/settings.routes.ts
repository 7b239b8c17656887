import type { Awaitable } from '../../../core/shared/awaitable';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CallsightError } from '../../../core/shared/errors';
import { authorize, type Principal } from '../../../core/access/access.policy';
import type { JsonValue } from '../../../core/audit/canonical-json';
import { auditEntry, type AuditEntry, type HttpHelpers, type HttpPlugin } from '../http.deps';

/** One tenant setting the generic settings API serves: how to validate it and what it is before anyone sets it. */
export interface SettingDefinition {
  /** Returns the validated value; throws VALIDATION_FAILED naming the problem. */
  parse(input: unknown): Record<string, JsonValue>;
  defaults(tenantId: string): Promise<Record<string, JsonValue>>;
}

/** What the settings routes need; wired in bin/wiring/access.wiring.ts. */
export interface SettingsRoutesDeps {
  readonly definitions: ReadonlyMap<string, SettingDefinition>;
  get(tenantId: string, key: string): Awaitable<{ value: unknown; updatedBy: string; updatedAt: string } | null>;
  put(tenantId: string, key: string, value: Record<string, JsonValue>, actor: Principal): Awaitable<void>;
}

const keyParams = z.object({ key: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/) });

const entry = (principal: Principal, action: string, key: string, outcome: AuditEntry['outcome'], reason?: string, details?: AuditEntry['details']) =>
  auditEntry(principal, action, `settings:${key}`, outcome, reason, details);

/**
 * Tenant settings by key (`GET`/`PUT /api/v1/settings/:key`) for the keys in `definitions`; admins only
 * (`change_settings`). Reads are audited as `view_settings`, writes as `change_settings` with the names of the
 * fields that changed (never their values). Routes registered for a fixed key elsewhere (e.g. analysis) take
 * precedence over this parametric one.
 */
export function settingsRoutes(deps: SettingsRoutesDeps): HttpPlugin {
  return (app, helpers: HttpHelpers) => {
    const start = async (request: FastifyRequest, action: 'view_settings' | 'change_settings') => {
      const principal = await helpers.authenticate(request);
      const parsed = keyParams.safeParse(request.params);
      const key = parsed.success ? parsed.data.key : 'invalid';
      const decision = authorize(principal, 'change_settings', { kind: 'tenant', tenantId: principal.tenantId });
      if (!decision.allowed) {
        await helpers.audit(entry(principal, action, key, 'denied', decision.reason));
        throw new CallsightError('FORBIDDEN', 'Only admins may read or change tenant settings');
      }
      const definition = parsed.success ? deps.definitions.get(key) : undefined;
      if (!definition) {
        await helpers.audit(entry(principal, action, key, 'denied', 'unknown_setting'));
        throw new CallsightError('NOT_FOUND', `No such setting; known settings: ${[...deps.definitions.keys()].join(', ')}`);
      }
      return { principal, key, definition };
    };

    const current = async (tenantId: string, key: string, definition: SettingDefinition) => {
      const stored = await deps.get(tenantId, key);
      const value = { ...(await definition.defaults(tenantId)), ...((stored?.value as Record<string, JsonValue> | undefined) ?? {}) };
      return { key, value, updatedBy: stored?.updatedBy ?? null, updatedAt: stored?.updatedAt ?? null };
    };

    app.get('/api/v1/settings/:key', async (request) => {
      const { principal, key, definition } = await start(request, 'view_settings');
      const result = await current(principal.tenantId, key, definition);
      await helpers.audit(entry(principal, 'view_settings', key, 'allowed'));
      return result;
    });

    app.put('/api/v1/settings/:key', async (request) => {
      const { principal, key, definition } = await start(request, 'change_settings');
      let value: Record<string, JsonValue>;
      try {
        value = definition.parse(request.body);
      } catch (error) {
        await helpers.audit(entry(principal, 'change_settings', key, 'denied', 'invalid_value'));
        throw error;
      }
      const before = (await current(principal.tenantId, key, definition)).value;
      await deps.put(principal.tenantId, key, value, principal);
      const changed = Object.keys(value).filter((field) => JSON.stringify(before[field]) !== JSON.stringify(value[field])).sort();
      await helpers.audit(entry(principal, 'change_settings', key, 'allowed', undefined, { changed }));
      return current(principal.tenantId, key, definition);
    });
  };
}
