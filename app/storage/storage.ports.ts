import type { AudioLocation, AudioStoreInventory } from '../../core/recordings/audio-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { DataKeyInventory, KeyVault } from '../../core/recordings/key-vault.port';
import type { Clock } from '../../core/shared/clock.port';

/** Where a recording's container should be: the hot tier, or the archive tier for an archived call. */
export type StorageTier = 'hot' | 'archive';

/** Whether a call's container is where its status says (bin/wiring/storage.wiring.ts asks the hub's audio store). */
export interface RecordingPresence {
  exists(location: AudioLocation, tier: StorageTier): Promise<boolean>;
}

/** What the storage capability's use-cases need: the call repository's lookups, the audio inventory and the key store. */
export interface StoragePorts {
  readonly calls: Pick<CallRepository, 'existingCallIds' | 'usedKeyIds' | 'listRecordedCalls'>;
  readonly audio: AudioStoreInventory;
  readonly keys: DataKeyInventory & Pick<KeyVault, 'destroyDataKey' | 'hasDataKey'>;
  readonly presence: RecordingPresence;
  readonly clock: Clock;
}

/** Default grace period (ORPHAN_GRACE_MINUTES): an unreferenced item younger than this may be an ingest in flight. */
export const DEFAULT_ORPHAN_GRACE_MINUTES = 60;
/** How many ids one repository lookup asks about. */
export const STORAGE_LOOKUP_BATCH = 500;
