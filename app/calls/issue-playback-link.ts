import { z } from 'zod';
import type { Principal } from '../../core/access/access.policy';
import { idSchema } from '../../core/shared/ids';
import type { Actor } from '../shared/actor';
import { allow, defineUseCase, type Decision } from '../shared/use-case';
import { authorizeCallAccess, callTarget } from './calls.access';
import type { CallsPorts } from './calls.ports';
import { requireUser } from './play-call';

const issuePlaybackLinkInput = z.object({ id: idSchema }).strict();
type IssueDeps = Pick<CallsPorts, 'calls' | 'playback' | 'clock'>;

/** A signed playback token: the route turns it into `<hub>/api/v1/playback/<token>`. */
export interface PlaybackLink {
  readonly token: string;
  readonly expiresAt: string;
}

/**
 * Issues a short-lived, header-free playback token (`POST /api/v1/calls/:id/playback-url`) bound to the user
 * and the call, for an `<audio>` element. Playing it is checked again against the user's scope. CALL_NOT_FOUND,
 * audited as denied, for a call out of reach; FORBIDDEN for the system (links belong to a signed-in user).
 */
export const issuePlaybackLink = defineUseCase({
  name: 'calls.issue-playback-link',
  action: 'issue_playback_url',
  permission: 'play',
  input: issuePlaybackLinkInput,
  invalidInput: 'Invalid call id',
  target: (input) => callTarget(input.id),
  async authorize({ deps, actor, input }: { deps: IssueDeps; actor: Actor; input: z.output<typeof issuePlaybackLinkInput> }): Promise<Decision<Principal>> {
    const user = requireUser(actor, callTarget(input.id));
    if (!user.allowed) return user;
    const access = await authorizeCallAccess(deps.calls, actor, input.id, 'play');
    return access.allowed ? allow(user.subject, undefined, access.target) : access;
  },
  run: ({ deps, input, subject }: { deps: IssueDeps; input: z.output<typeof issuePlaybackLinkInput>; subject: Principal }): Promise<PlaybackLink> =>
    deps.playback.issue(subject, input.id, deps.clock.now()),
  audited: (output) => ({ details: { expiresAt: output.expiresAt } }),
});
