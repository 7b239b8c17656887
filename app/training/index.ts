/**
 * Training library use-cases (issue 15 item 4): clips of calls marked as good or bad examples, read within the
 * clip rules of core/training/clip.policy.ts, pinned by coaches to coaching tasks. HTTP routes reach them only
 * through this entry.
 */
import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { getClip } from './get-clip';
import { listClips } from './list-clips';
import { pinClipToTask } from './pin-clip-to-task';
import { removeClip } from './remove-clip';
import { saveClip } from './save-clip';
import { issueClipPlaybackLink, playClip } from './play-clip';

/** Every training use-case definition, keyed as routes call them. */
export const trainingUseCases = { saveClip, listClips, getClip, removeClip, pinClipToTask, issueClipPlaybackLink, playClip };

export type TrainingUseCases = BoundUseCases<typeof trainingUseCases>;
export type TrainingPorts = PortsOf<typeof trainingUseCases>;

/** Binds every training use-case to the hub's ports and its audit trail. */
export function createTrainingUseCases(ports: TrainingPorts & AuditDeps): TrainingUseCases {
  return bindUseCases(trainingUseCases, ports);
}

export { getClip, issueClipPlaybackLink, listClips, pinClipToTask, playClip, removeClip, saveClip };
export type { ClipPlaybackTokenIssuer } from './play-clip';
