import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { ingestCall } from './ingest-call';

export { ingestCall, ingestCallInput, type IngestCallInput, type IngestOutcome } from './ingest-call';
export type { CallStoredEffects, IngestPorts, ReceivedCall } from './ingest.ports';

/** The ingest capability's use-cases: one way in for every call, whoever sends it. */
export const ingestUseCases = { ingestCall } as const;
export type IngestUseCases = BoundUseCases<typeof ingestUseCases>;

/** Binds the ingest use-cases to their ports (bin/hub.ts). */
export function createIngestUseCases(ports: PortsOf<typeof ingestUseCases> & AuditDeps): IngestUseCases {
  return bindUseCases(ingestUseCases, ports);
}
