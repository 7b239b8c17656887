import { trainingRoutes } from '../../adapters/http/routes/training.routes';
import { ByteRangeAudioExcerpter } from '../../adapters/audio/excerpt';
import { createTrainingUseCases, type TrainingUseCases } from '../../app/training';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** The training use-cases bound to this hub's ports. */
export function createHubTrainingUseCases(hub: Hub): TrainingUseCases {
  return createTrainingUseCases({
    calls: hub.calls,
    store: hub.storage.quality,
    clips: hub.storage.clips,
    transcripts: hub.transcripts,
    audio: hub.audio,
    excerpts: new ByteRangeAudioExcerpter(),
    playback: hub.playback,
    clock: hub.clock,
    ids: hub.ids,
    audit: (entry) => hub.audit(entry),
  });
}

/**
 * The training library (issue 15 item 4): clip routes and the pin route of coaching tasks. Deleting a call
 * deletes its clips and their pins.
 */
export const trainingCapability: CapabilityFactory = (hub: Hub): Capability => {
  hub.onCallPurge(async (tenantId, callId) => {
    await hub.storage.clips.purgeCall(tenantId, callId);
  });
  return { name: 'training', plugins: [
      trainingRoutes(createHubTrainingUseCases(hub), {
        playback: hub.playback,
        clock: hub.clock,
        ...(hub.config.publicUrl ? { publicUrl: hub.config.publicUrl } : {}),
      }),
    ], };
};
