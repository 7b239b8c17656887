import type { Role } from '../../core/access/access.policy';
import type { Tenant } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { phoneFilter } from '../../core/recordings/phone';
import type { Clock } from '../../core/shared/clock.port';
import { CallsightError } from '../../core/shared/errors';

/** Where tenants are read: the call repository's tenant table. */
export type TenantDirectory = Pick<CallRepository, 'getTenant'>;

/** The tenant keys a tenant needs before anything of it is stored: its key file and sealed provider secrets. */
export interface TenantKeys {
  /** Creates the tenant's keys if absent; idempotent. */
  ensureTenant(tenantId: string): void;
  /** Seals a provider secret (Zendesk shared secret, Twilio auth token) under the tenant key. */
  sealSecret(tenantId: string, purpose: string, plaintext: string): Uint8Array;
}

/** What a hub bearer token states about its holder (adapters/http/token-service.ts signs it). */
export interface TokenClaims {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: Role;
  readonly agentId?: string;
  readonly teams?: readonly string[];
  readonly queues?: readonly string[];
  /** Lifetime in seconds (default 3600). */
  readonly ttlS?: number;
}

/** Issues hub bearer tokens; NOT_FOUND when the tenant has no keys on this hub. */
export interface TokenIssuer {
  issue(claims: TokenClaims): Promise<string>;
}

/**
 * The tenant, or NOT_FOUND (`No tenant "<id>" on this hub: ...`) saying how to create it. The one tenant lookup
 * of the use-cases: ingest, token issuance and every command that names a tenant go through it.
 */
export async function requireTenant(tenants: TenantDirectory, tenantId: string): Promise<Tenant> {
  const tenant = await tenants.getTenant(tenantId);
  if (!tenant) {
    throw new CallsightError('NOT_FOUND', `No tenant "${tenantId}" on this hub: run \`callsight tenant add ${tenantId}\` first`, {
      details: { tenantId },
    });
  }
  return tenant;
}

/**
 * A customer phone filter in E.164, read in the tenant's default region (the product default when the tenant
 * names none). VALIDATION_FAILED (`Invalid query: <field>: not a valid phone number`) never echoes the number.
 */
export async function tenantPhoneFilter(tenants: TenantDirectory, tenantId: string, text: string, field = 'customerPhone'): Promise<string> {
  return phoneFilter(text, await tenants.getTenant(tenantId), field);
}

/** What provisioning a tenant touches. */
export interface ProvisionPorts {
  readonly tenants: Pick<CallRepository, 'getTenant' | 'upsertTenant'>;
  readonly keys: Pick<TenantKeys, 'ensureTenant'>;
  readonly clock: Clock;
}

/**
 * Creates the tenant with its keys when absent and returns it; an existing tenant is returned unchanged.
 * Keys come first, so that a tenant row never exists without the keys its audio and tokens need.
 */
export async function provisionTenant(ports: ProvisionPorts, tenant: Omit<Tenant, 'createdAt'>): Promise<Tenant> {
  ports.keys.ensureTenant(tenant.id);
  const existing = await ports.tenants.getTenant(tenant.id);
  if (existing) return existing;
  const created: Tenant = { ...tenant, createdAt: ports.clock.now().toISOString() };
  await ports.tenants.upsertTenant(created);
  return created;
}
