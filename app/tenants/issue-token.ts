import { z } from 'zod';
import { ROLES } from '../../core/access/access.policy';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { requireTenant, type TenantDirectory, type TokenIssuer } from './tenants.ports';

const MAX_TTL_S = 30 * 86_400;

const listOf = z.array(z.string().trim().min(1).max(128)).max(100).default([]);

/** A bearer token request: who (user, role, agent id, teams, queues) and for how long (seconds, at most 30 days). */
export const issueTokenInput = z
  .object({
    userId: z.string().min(1).max(128),
    role: z.enum(ROLES),
    agentId: z.string().min(1).max(128).optional(),
    teams: listOf,
    queues: listOf,
    ttlS: z.number().int().min(1).max(MAX_TTL_S).default(3600),
  })
  .strict()
  .refine((v) => v.role !== 'agent' || v.agentId !== undefined, {
    message: 'is required for role agent: an agent only reaches calls carrying their agent id',
    path: ['agentId'],
  });
export type IssueTokenRequest = z.input<typeof issueTokenInput>;

interface IssueTokenDeps {
  readonly tenants: TenantDirectory;
  readonly tokens: TokenIssuer;
}

/**
 * Issues a bearer token for a user of the actor's tenant (`callsight token`), signed with the tenant's secret.
 * Only the system issues tokens this way (an operator on the hub's machine); users get theirs through a CRM
 * sign-in. NOT_FOUND when the tenant does not exist. The audit event names the user and role, never the token.
 */
export const issueToken = defineUseCase({
  name: 'tenants.issue-token',
  action: 'issue_token',
  permission: 'system',
  input: issueTokenInput,
  invalidInput: 'Invalid token request',
  target: (input) => `user:${input.userId}`,
  async run({ deps, actor, input }: { deps: IssueTokenDeps; actor: Actor; input: z.output<typeof issueTokenInput> }): Promise<string> {
    await requireTenant(deps.tenants, actor.tenantId);
    return deps.tokens.issue({
      tenantId: actor.tenantId,
      userId: input.userId,
      role: input.role,
      ...(input.agentId ? { agentId: input.agentId } : {}),
      teams: input.teams,
      queues: input.queues,
      ttlS: input.ttlS,
    });
  },
  audited: (_token, input) => ({ details: { role: input.role, ttlS: input.ttlS } }),
});
