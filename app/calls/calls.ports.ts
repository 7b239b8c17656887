import type { Principal } from '../../core/access/access.policy';
import type { Call } from '../../core/recordings/call';
import type { AudioStore } from '../../core/recordings/audio-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { Actor } from '../shared/actor';

/** The call reads of the calls use-cases. */
export type CallReads = Pick<CallRepository, 'getCall' | 'searchCalls' | 'listCalls' | 'listAgents' | 'getTenant'>;

/** What the calls use-cases read of analysis: flags and risk for lists, redacted copies and PII spans for playback. */
export type CallAnalysisReads = Pick<TranscriptStore, 'screening' | 'getRedactedAudio' | 'getAnalysis'>;

/**
 * Runs before a recording is played and returns the call to play: e.g. brings an archived recording back to
 * the main store (the retention capability). The identity function when nothing needs doing.
 */
export interface PlaybackPreparation {
  beforePlay(call: Call, actor: Principal): Promise<Call>;
}

/** Signs short-lived, header-free playback tokens bound to one user and call (adapters/http/token-service.ts). */
export interface PlaybackTokenIssuer {
  issue(principal: Principal, callId: string, now: Date): Promise<{ token: string; expiresAt: string }>;
}

/** Every port of the calls capability; each use-case declares the part it uses. */
export interface CallsPorts {
  readonly calls: CallReads;
  readonly transcripts: CallAnalysisReads;
  readonly audio: Pick<AudioStore, 'read'>;
  readonly playback: PlaybackTokenIssuer;
  readonly preparation: PlaybackPreparation;
  readonly clock: { now(): Date };
}

export type { Actor };
