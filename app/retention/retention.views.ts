import { z } from 'zod';
import type { Principal } from '../../core/access/access.policy';
import { maskPhone } from '../../core/access/pii-mask';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { buildPreset, isHoldActive, parseRetentionPolicy, type IndustryPreset, type LegalHold, type RetentionPlan, type RetentionPolicy } from '../../core/retention';
import type { RetentionStore } from '../../core/retention/retention-store.port';
import type { JsonValue } from '../../core/audit/canonical-json';
import { isSystemActor, type Actor } from '../shared/actor';
import { requireTenant } from './retention.ports';

/** Medical records are kept 1-5 years; the default preset keeps the longest. */
export const DEFAULT_MEDICAL_YEARS = 5;

/** A tenant's policy as shown and applied. */
export interface PolicyView {
  readonly tenantId: string;
  /** `preset`: the industry preset (never saved, or saved from a preset); `custom`: rules written by an admin. */
  readonly source: 'preset' | 'custom';
  readonly preset: IndustryPreset | null;
  /** 0 while the tenant runs on its industry's default preset; +1 on every saved change. */
  readonly version: number;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  readonly policy: RetentionPolicy;
}

export interface RetentionPlanView extends RetentionPlan {
  readonly tenantId: string;
  readonly policy: { readonly name: string; readonly source: 'preset' | 'custom'; readonly version: number };
}

/** One sweep of one tenant. */
export interface SweepOutcome {
  readonly tenantId: string;
  readonly sweepId: string;
  /** The instant every call of this sweep is decided at (kept across resumptions). */
  readonly decidedAt: string;
  readonly resumed: boolean;
  /** False when the sweep was interrupted; running it again resumes after its last checkpoint. */
  readonly completed: boolean;
  readonly processed: number;
  readonly counts: Readonly<Record<'keep' | 'archive' | 'delete' | 'held', number>>;
  /** Deletions left unfinished by an earlier interruption and completed first. */
  readonly completedPending: number;
  /** The version of the policy applied (0: the industry preset). */
  readonly policyVersion: number;
}

/** What the policy store holds for a tenant (validated before saving). */
export const storedPolicySchema = z.object({
  source: z.enum(['preset', 'custom']),
  preset: z.enum(['general', 'finance', 'medical', 'ecommerce', 'education']).nullable(),
  policy: z.unknown(),
});
export type StoredPolicyValue = z.infer<typeof storedPolicySchema>;

/** The default policy of an industry: its preset (medical with 5 years, the longest of 1-5). */
export function presetPolicy(industry: IndustryPreset): RetentionPolicy {
  return buildPreset(industry, industry === 'medical' ? { medicalYears: DEFAULT_MEDICAL_YEARS } : {});
}

/**
 * The tenant's policy: the saved one, else the preset of its industry. NOT_FOUND when the tenant is not
 * configured on this hub (checked first, whether a policy is saved or not).
 */
export async function loadPolicyView(
  deps: { readonly store: Pick<RetentionStore, 'getPolicy'>; readonly calls: Pick<CallRepository, 'getTenant'> },
  tenantId: string,
): Promise<PolicyView> {
  const tenant = await requireTenant(deps.calls, tenantId);
  const stored = await deps.store.getPolicy(tenantId);
  if (stored) {
    const value = storedPolicySchema.parse(stored.policy);
    return {
      tenantId,
      source: value.source,
      preset: value.preset,
      version: stored.version,
      updatedBy: stored.updatedBy,
      updatedAt: stored.updatedAt,
      policy: parseRetentionPolicy(value.policy),
    };
  }
  return { tenantId, source: 'preset', preset: tenant.industry, version: 0, updatedBy: null, updatedAt: null, policy: presetPolicy(tenant.industry) };
}

/** A legal hold as a reader sees it: phone numbers masked for everyone but admins and the system, and whether it is in force at `now`. */
export interface LegalHoldView extends LegalHold {
  readonly expiresAt: string | null;
  readonly releasedAt: string | null;
  readonly releasedBy: string | null;
  readonly active: boolean;
}

export function legalHoldView(hold: LegalHold, reader: Actor, now: Date): LegalHoldView {
  const seesPhone = isSystemActor(reader) || (reader as Principal).role === 'admin';
  const by = hold.by.kind === 'customer' && !seesPhone && hold.by.phone !== undefined ? { ...hold.by, phone: maskPhone(hold.by.phone) ?? undefined } : hold.by;
  return {
    ...hold,
    by,
    expiresAt: hold.expiresAt ?? null,
    releasedAt: hold.releasedAt ?? null,
    releasedBy: hold.releasedBy ?? null,
    active: isHoldActive(hold, now),
  };
}

/** Facts about a hold for the audit trail: its kind and size, never the phone or CRM id it names. */
export function legalHoldFacts(hold: LegalHold): Record<string, JsonValue> {
  return {
    kind: hold.by.kind,
    ...(hold.by.kind === 'calls' ? { calls: hold.by.callIds.length } : {}),
    expiresAt: hold.expiresAt ?? null,
  };
}

/** The id the audit trail and stored records name an actor by. */
export function actorId(actor: Actor): string {
  return isSystemActor(actor) ? actor.id : actor.userId;
}
