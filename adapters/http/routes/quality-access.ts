import { CallsightError } from '../../../core/shared/errors';
import type { Principal } from '../../../core/access/access.policy';
import { qualityCondition, type QualityAction } from '../../../core/access/quality.policy';

export * from '../../../core/access/quality.policy';
import { auditEntry, type HttpHelpers } from '../http.deps';

export { auditEntry };

/**
 * Authenticates, then checks that the role may perform `action` at all (a condition other than `none`);
 * audits and throws FORBIDDEN otherwise. Object-level checks follow in the route.
 */
export async function requireQualityAction(
  helpers: HttpHelpers,
  request: import('fastify').FastifyRequest,
  action: QualityAction,
  target: string | null,
): Promise<Principal> {
  const principal = await helpers.authenticate(request);
  if (qualityCondition(principal, action) === 'none') {
    await helpers.audit(auditEntry(principal, action, target, 'denied', 'role_not_permitted'));
    throw new CallsightError('FORBIDDEN', `Your role (${principal.role}) may not ${action.replace(/_/g, ' ')}`);
  }
  return principal;
}
