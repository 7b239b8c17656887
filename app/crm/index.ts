import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { connectZendesk } from './connect-zendesk';
import { exchangeZendeskSession } from './exchange-zendesk-session';
import { getZendeskRoles } from './get-zendesk-roles';
import { updateZendeskRoles } from './update-zendesk-roles';

export { connectZendesk, exchangeZendeskSession, getZendeskRoles, updateZendeskRoles };
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
  buildRecordCallPayload,
  findZendeskInstallationTenant,
  openZendeskConnection,
  recordCallMessagesFor,
  ZENDESK_API_TOKEN_PURPOSE,
  ZENDESK_SHARED_SECRET_PURPOSE,
  zendeskConnectionSettingsSchema,
  type RecordCallFollowUpPorts,
  type ZendeskConnectionChecker,
  type ZendeskConnectionSettings,
  type ZendeskConnectionSpec,
} from './crm.ports';
export { CRM_DRAIN_INTERVAL_MS, CRM_MAX_ATTEMPTS, crmBackoff, drainCrmOutbox, type CrmDrainPorts } from './crm.sync';

/** Every CRM use-case: the Zendesk connection, its role mapping and the session exchange. */
export const crmUseCases = { connectZendesk, getZendeskRoles, updateZendeskRoles, exchangeZendeskSession };

/** The ports the CRM use-cases need, besides the audit trail. */
export type CrmUseCasePorts = PortsOf<typeof crmUseCases>;
export type CrmUseCases = BoundUseCases<typeof crmUseCases>;

/** Binds the CRM use-cases to their ports (bin/wiring/zendesk.wiring.ts). */
export function createCrmUseCases(ports: CrmUseCasePorts & AuditDeps): CrmUseCases {
  return bindUseCases(crmUseCases, ports);
}
