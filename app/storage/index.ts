import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { collectOrphans } from './collect-orphans';
import { verifyRecordings } from './verify-recordings';

export { collectOrphans, collectOrphansInput, type CollectOrphansInput, type OrphanReport } from './collect-orphans';
export { verifyRecordings, verifyRecordingsInput, type MissingRecording, type StorageVerification, type VerifyRecordingsInput } from './verify-recordings';
export { DEFAULT_ORPHAN_GRACE_MINUTES, type RecordingPresence, type StoragePorts, type StorageTier } from './storage.ports';

/** The storage capability's use-cases: crash recovery and garbage collection of orphans, and verification (issue 17). */
export const storageUseCases = { collectOrphans, verifyRecordings } as const;
export type StorageUseCases = BoundUseCases<typeof storageUseCases>;

/** Binds the storage use-cases to the hub's stores (bin/wiring/storage.wiring.ts). */
export function createStorageUseCases(ports: PortsOf<typeof storageUseCases> & AuditDeps): StorageUseCases {
  return bindUseCases(storageUseCases, ports);
}
