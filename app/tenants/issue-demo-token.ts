import type { Principal } from '../../core/access/access.policy';
import { CallsightError } from '../../core/shared/errors';
import { isSystemActor, type Actor } from '../shared/actor';
import { allow, defineUseCase, deny, type Decision } from '../shared/use-case';
import type { DemoSettings } from './tenants.demo';
import type { TokenIssuer } from './tenants.ports';

interface DemoTokenDeps {
  readonly tokens: TokenIssuer;
  readonly clock: { now(): Date };
  readonly demo: DemoSettings;
}

/** A demo session: the token and what it allows (never audited: the token is a secret). */
export interface DemoSession {
  readonly token: string;
  /** When the token expires: `tokenTtlS` after the second it was issued in. */
  readonly expiresAt: string;
  readonly role: Principal['role'];
  readonly agentId?: string;
  readonly teams?: readonly string[];
}

/**
 * Issues the demo visitor's token (`POST /demo/token`) for the identity `demoPrincipal` gave them, which is the
 * actor: short-lived, for the demo tenant only, scoped as the real role is (an agent hears only their own calls,
 * QA only their team's, masked). Audited as `session_exchange` with reason `demo_token`, like a CRM sign-in.
 */
export const issueDemoToken = defineUseCase({
  name: 'tenants.issue-demo-token',
  action: 'session_exchange',
  permission: 'sign_in',
  authorize({ deps, actor }: { deps: DemoTokenDeps; actor: Actor }): Decision<Principal> {
    if (isSystemActor(actor) || actor.tenantId !== deps.demo.tenantId) {
      return deny('not_demo_tenant', new CallsightError('FORBIDDEN', 'Demo tokens are issued for the demo tenant only'));
    }
    return allow(actor);
  },
  async run({ deps, subject }: { deps: DemoTokenDeps; subject: Principal }): Promise<DemoSession> {
    const now = deps.clock.now().getTime();
    const token = await deps.tokens.issue({
      tenantId: subject.tenantId,
      userId: subject.userId,
      role: subject.role,
      ...(subject.agentId === undefined ? {} : { agentId: subject.agentId }),
      ...(subject.teams.length > 0 ? { teams: subject.teams } : {}),
      ttlS: deps.demo.tokenTtlS,
    });
    return {
      token,
      expiresAt: new Date(Math.floor(now / 1000) * 1000 + deps.demo.tokenTtlS * 1000).toISOString(),
      role: subject.role,
      ...(subject.agentId === undefined ? {} : { agentId: subject.agentId }),
      ...(subject.teams.length > 0 ? { teams: [...subject.teams] } : {}),
    };
  },
  audited: () => ({ reason: 'demo_token' }),
});
