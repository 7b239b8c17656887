import type { Role } from '../access/access.policy';

/**
 * Who may do what with training clips (issue 15 item 4), on top of the access policy:
 * - `save`: mark a clip; the marker must also be allowed to view the call (access policy `view`).
 * - `remove`: `all` removes any clip of the tenant, `author` only clips the user made.
 * - `read`: clips of calls the reader may view (access policy `view`: admin all, manager team, qa scope, agent own),
 *   and, for agents, also clips a coach pinned to one of their own coaching tasks (`own_tasks`): a coach chooses
 *   to show that example to that agent. The excerpt is always masked; the audio plays through the clip's own
 *   playback link (app/training/play-clip.ts): only the clip's range, masked as QA hears calls, never the call.
 * Auditors never reach the library.
 */
export type ClipRule = 'all' | 'author' | 'call_scope' | 'call_scope_or_own_tasks' | 'none';

// prettier-ignore
export const CLIP_POLICY: Readonly<Record<'save' | 'remove' | 'read', Readonly<Record<Role, ClipRule>>>> = {
  save:   { admin: 'call_scope', manager: 'call_scope', qa: 'call_scope', agent: 'none', auditor: 'none' },
  remove: { admin: 'all',        manager: 'author',     qa: 'author',     agent: 'none', auditor: 'none' },
  read:   { admin: 'call_scope', manager: 'call_scope', qa: 'call_scope', agent: 'call_scope_or_own_tasks', auditor: 'none' },
};

/** The rule of a role for a clip action. */
export function clipRule(role: Role, action: keyof typeof CLIP_POLICY): ClipRule {
  return CLIP_POLICY[action][role];
}
