import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { addTenant } from './add-tenant';
import { issueDemoToken } from './issue-demo-token';
import { issueToken } from './issue-token';

export { addTenant, addTenantInput, TENANT_INDUSTRIES, type AddedTenant, type AddTenantRequest } from './add-tenant';
export { issueToken, issueTokenInput, type IssueTokenRequest } from './issue-token';
export { issueDemoToken, type DemoSession } from './issue-demo-token';
export { demoPrincipal, type DemoSettings } from './tenants.demo';
export {
  provisionTenant,
  requireTenant,
  tenantPhoneFilter,
  type ProvisionPorts,
  type TenantDirectory,
  type TenantKeys,
  type TokenClaims,
  type TokenIssuer,
} from './tenants.ports';

/** The tenants capability's operator use-cases: adding a tenant and issuing a user's token. */
export const tenantsUseCases = { addTenant, issueToken } as const;
export type TenantsUseCases = BoundUseCases<typeof tenantsUseCases>;

/** Binds the tenant use-cases to their ports (bin/hub.ts). */
export function createTenantsUseCases(ports: PortsOf<typeof tenantsUseCases> & AuditDeps): TenantsUseCases {
  return bindUseCases(tenantsUseCases, ports);
}

/** The demo's use-cases: a visitor's token. */
export const demoUseCases = { issueDemoToken } as const;
export type DemoUseCases = BoundUseCases<typeof demoUseCases>;

/** Binds the demo use-cases to their ports (the demo routes, with the demo's settings). */
export function createDemoUseCases(ports: PortsOf<typeof demoUseCases> & AuditDeps): DemoUseCases {
  return bindUseCases(demoUseCases, ports);
}
