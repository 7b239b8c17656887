import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { backfillSalesforce } from './backfill-salesforce';
import { connectSalesforce } from './connect-salesforce';
import { connectZendesk } from './connect-zendesk';
import { exchangeSalesforceSession } from './exchange-salesforce-session';
import { registerSalesforceOrg } from './register-salesforce-org';
import { exchangeZendeskSession } from './exchange-zendesk-session';
import { getZendeskRoles } from './get-zendesk-roles';
import { updateZendeskRoles } from './update-zendesk-roles';

export { connectSalesforce, connectZendesk, exchangeZendeskSession, getZendeskRoles, updateZendeskRoles };
export { backfillSalesforce };
export {
  DEFAULT_BACKFILL_CHUNK,
  type BackfillProgress,
  type BackfillSalesforceDeps,
  type BackfillSalesforceRequest,
  type SalesforceBackfilled,
  type SalesforceBackfillPort,
} from './backfill-salesforce';
export { connectSalesforceInput, type ConnectSalesforceRequest, type SalesforceConnected } from './connect-salesforce';
export { exchangeSalesforceSession, registerSalesforceOrg };
export {
  createSalesforceAssertionLedger,
  describeSalesforceRejection,
  SALESFORCE_ASSERTION_SPENT_JOB,
  SALESFORCE_SESSION_TTL_S,
  salesforceActorId,
  salesforceExchangeActor,
  type ExchangeSalesforceSessionRequest,
  type SalesforceAssertionLedger,
} from './exchange-salesforce-session';
export {
  SALESFORCE_CERTIFICATE_PURPOSE,
  salesforceOrgSettingsSchema,
  type RegisterSalesforceOrgRequest,
  type SalesforceCertificateReader,
  type SalesforceOrgRegistered,
  type SalesforceOrgSettings,
} from './register-salesforce-org';
export { connectZendeskInput, type ConnectZendeskRequest, type ZendeskConnected } from './connect-zendesk';
export {
  describeRejection,
  MAX_ZENDESK_JWT_LIFETIME_S,
  ZENDESK_JWT_REJECTIONS,
  ZENDESK_SESSION_TTL_S,
  UNVERIFIED_ZENDESK_ACTOR,
  zendeskActorId,
  zendeskExchangeActor,
  type ExchangeZendeskSessionRequest,
  type ZendeskJwtRejection,
} from './exchange-zendesk-session';
export { updateZendeskRolesInput, type UpdateZendeskRolesRequest } from './update-zendesk-roles';
export {
  appLinkFor,
  findZendeskInstallationTenant,
  openSalesforceConnection,
  openZendeskConnection,
  SALESFORCE_ORG_ID,
  SALESFORCE_PRIVATE_KEY_PURPOSE,
  ZENDESK_API_TOKEN_PURPOSE,
  ZENDESK_SHARED_SECRET_PURPOSE,
  zendeskConnectionSettingsSchema,
  type SalesforceConnectionChecker,
  type SalesforceConnectionSpec,
  type ZendeskConnectionChecker,
  type ZendeskConnectionSettings,
  type ZendeskConnectionSpec,
} from './crm.ports';
export {
  attachCrmFollowUps,
  buildCrmCallRecord,
  DEFAULT_ZENDESK_APP_NAME,
  evaluationRecordsOf,
  notifyCrmFollowUp,
  queueCrmUpdate,
  recordCallMessagesFor,
  refreshCallRecords,
  SYNCED_CRMS,
  zendeskCallLink,
  type CrmFollowUpPort,
  type CrmFollowUpPorts,
  type CrmFollowUpReason,
  type CrmRecordSources,
} from './crm.records';
export { CRM_DRAIN_BATCH_SIZE, CRM_DRAIN_INTERVAL_MS, CRM_MAX_ATTEMPTS, crmBackoff, drainCrmOutbox, keepCustomerTags, type CrmDelivery, type CrmDrainPorts } from './crm.sync';

/** Every CRM use-case: the Zendesk and Salesforce connections, the Salesforce org registration, the Zendesk role mapping and both session exchanges. */
export const crmUseCases = {
  connectZendesk,
  connectSalesforce,
  registerSalesforceOrg,
  exchangeSalesforceSession,
  getZendeskRoles,
  updateZendeskRoles,
  exchangeZendeskSession,
};

/** The ports the CRM use-cases need, besides the audit trail. */
export type CrmUseCasePorts = PortsOf<typeof crmUseCases>;
export type CrmUseCases = BoundUseCases<typeof crmUseCases>;

/** Binds the CRM use-cases to their ports (bin/wiring/zendesk.wiring.ts). */
export function createCrmUseCases(ports: CrmUseCasePorts & AuditDeps): CrmUseCases {
  return bindUseCases(crmUseCases, ports);
}
export { searchCrmUsers, type CrmStaffUser, type CrmUserDirectory, type SearchCrmUsersDeps } from './search-crm-users';
