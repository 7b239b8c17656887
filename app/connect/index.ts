/**
 * Amazon Connect capture (issue 19 item 1): contact records delivered by Firehose are taken in one batch at a time,
 * their recordings fetched from the instance's bucket by the shared `recordings.fetch` job, and instances linked to
 * tenants from the CLI. Adapters reach these use-cases only through this entry.
 */
import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { acceptContactRecords } from './accept-contact-records';
import { addConnectAccount } from './add-connect-account';

export {
  acceptContactRecords,
  acceptContactRecordsInput,
  type AcceptContactRecordsInput,
  type AcceptContactRecordsOutcome,
} from './accept-contact-records';
export { addConnectAccount, addConnectAccountInput, instanceIdOf, type AddConnectAccountInput, type AddedConnectAccount } from './add-connect-account';
export {
  CONNECT_PROVIDER,
  DEFAULT_TAG_ATTRIBUTES,
  connectSecretsJson,
  parseConnectSecrets,
  type ConnectAccountSecrets,
  type ConnectAccountSettings,
  type ConnectContactStore,
  type ConnectPorts,
  type ContactRecord,
  type S3Location,
  type StoredContact,
} from './connect.ports';

/** The Connect use-case definitions, keyed as routes and commands call them. */
export const connectUseCases = { acceptContactRecords, addConnectAccount } as const;
export type ConnectUseCases = BoundUseCases<typeof connectUseCases>;

/** Binds the Connect use-cases to their ports (bin/wiring/connect.wiring.ts). */
export function createConnectUseCases(ports: PortsOf<typeof connectUseCases> & AuditDeps): ConnectUseCases {
  return bindUseCases(connectUseCases, ports);
}
