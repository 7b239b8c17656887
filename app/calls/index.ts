import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { findCustomersWithCalls } from './find-customers-with-calls';
import { getCall } from './get-call';
import { issuePlaybackLink } from './issue-playback-link';
import { listCalls } from './list-calls';
import { playCall } from './play-call';

export { findCustomersWithCalls } from './find-customers-with-calls';
export { getCall } from './get-call';
export { issuePlaybackLink, type PlaybackLink } from './issue-playback-link';
export { CALL_FLAG_CODES, listCalls } from './list-calls';
export { playCall, type AudioStream } from './play-call';
export {
  authorizeCallAccess,
  callAccessTarget,
  callNotVisible,
  callScope,
  callTarget,
  CALL_NOT_VISIBLE_MESSAGE,
  maskOf,
} from './calls.access';
export type { CallAnalysisReads, CallReads, CallsPorts, PlaybackPreparation, PlaybackTokenIssuer } from './calls.ports';
export { agentNamesOf, toCallView, type CallScreening } from './calls.views';
export { parseRange } from './calls.range';
export { cliActor, isSystemActor, systemActor, type Actor, type SystemActor } from '../shared/actor';

/** The calls capability's use-cases: list and search, one call, playback, playback links, customers with calls. */
export const callsUseCases = { listCalls, getCall, playCall, issuePlaybackLink, findCustomersWithCalls } as const;
export type CallsUseCases = BoundUseCases<typeof callsUseCases>;

/** Binds the calls use-cases to their ports (bin/hub.ts). */
export function createCallsUseCases(ports: PortsOf<typeof callsUseCases> & AuditDeps): CallsUseCases {
  return bindUseCases(callsUseCases, ports);
}
