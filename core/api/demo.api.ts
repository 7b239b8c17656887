import * as z from 'zod/mini';
import type { Role } from '../access/access.policy';

/**
 * The demo part of the hub's API contract: `GET /demo/customers` and `POST /demo/token` (docs/api.md), answered
 * only while the demo tenant exists.
 */

/** Roles a demo visitor may switch between. */
export const DEMO_ROLES = ['agent', 'qa', 'manager', 'admin', 'auditor'] as const satisfies readonly Role[];
export type DemoRole = (typeof DEMO_ROLES)[number];

/** `POST /demo/token`: a role, and for `agent` optionally which demo agent (the first one otherwise). */
export const demoTokenRequestSchema = z.strictObject({
  role: z.enum(DEMO_ROLES),
  agentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});
export type DemoTokenRequest = z.infer<typeof demoTokenRequestSchema>;

/** A short-lived hub token for the demo tenant, scoped as the real role is. */
export const demoTokenResponseSchema = z.object({
  token: z.string().check(z.minLength(1)),
  hubUrl: z.string().check(z.minLength(1)),
  expiresAt: z.string(),
  role: z.enum(DEMO_ROLES),
  agentId: z.optional(z.string()),
  teams: z.optional(z.array(z.string())),
});
export type DemoTokenResponse = z.infer<typeof demoTokenResponseSchema>;

/** `GET /demo/customers`: the demo customers that have calls, in a stable order. */
export const demoCustomersResponseSchema = z.array(z.object({ phone: z.string(), name: z.string() }));
export type DemoCustomers = z.infer<typeof demoCustomersResponseSchema>;
