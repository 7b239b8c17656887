import * as z from 'zod/mini';
import { crmUserSearchQuerySchema, type CrmUserListBody } from '../../core/api/admin.api';
import { CallsightError } from '../../core/shared/errors';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';

/** One CRM staff member the admin may map to a Callsight role. */
export interface CrmStaffUser {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly role: string;
}

/** The CRM staff directory, built in bin/ over the Zendesk adapter; null when the tenant has no Zendesk connection. */
export interface CrmUserDirectory {
  searchZendeskStaff(tenantId: string, text: string): Promise<readonly CrmStaffUser[] | null>;
}

/** The ports of searchCrmUsers. */
export interface SearchCrmUsersDeps {
  readonly directory: CrmUserDirectory;
}

type Input = z.output<typeof crmUserSearchQuerySchema>;

/**
 * Searches the tenant's Zendesk staff (agents and admins) by name or email for the role-mapping picker, through the
 * tenant's stored Zendesk connection. CRM_NOT_CONFIGURED when the tenant has none; the adapter's Crm*Error codes
 * (CRM_AUTH_FAILED, CRM_UNAVAILABLE, CRM_RATE_LIMITED) otherwise. The search text is not recorded (it may be a
 * name); the event counts the results. Admins only.
 */
export const searchCrmUsers = defineUseCase({
  name: 'crm.search-users',
  action: 'search_crm_users',
  permission: 'change_settings',
  forbidden: 'Only admins may search the CRM users',
  input: crmUserSearchQuerySchema,
  invalidInput: 'Invalid user search',
  target: () => 'crm:zendesk',
  async run({ deps, actor, input }: UseCaseContext<SearchCrmUsersDeps, Input>): Promise<CrmUserListBody> {
    const users = await deps.directory.searchZendeskStaff(actor.tenantId, input.query);
    if (users === null) {
      throw new CallsightError('CRM_NOT_CONFIGURED', 'No Zendesk connection is configured for this tenant: run `callsight tenant zendesk-connect` first');
    }
    return { items: users.map((user) => ({ id: user.id, name: user.name, email: user.email, role: user.role })) };
  },
  audited: (list) => ({ details: { results: list.items.length } }),
});
