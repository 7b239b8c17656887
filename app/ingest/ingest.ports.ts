import type { AudioProbe, AudioStore } from '../../core/recordings/audio-store.port';
import type { Call } from '../../core/recordings/call';
import type { CallRepository, NewJob, NewOutboxMessage } from '../../core/recordings/call-repository.port';
import type { Awaitable } from '../../core/shared/awaitable';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';

/** Work committed in the same transaction as a newly stored call (transcription jobs, CRM outbox messages). */
export interface CallStoredEffects {
  /** Computed before the call's transaction begins (a store may need to be read for it). */
  effectsOf(call: Call): Awaitable<{ readonly outbox?: NewOutboxMessage[]; readonly jobs?: NewJob[] }>;
}

/** Every port of the ingest capability. */
export interface IngestPorts {
  readonly calls: Pick<CallRepository, 'getTenant' | 'findByProviderCallId' | 'insertCall' | 'listAgents'>;
  readonly audio: Pick<AudioStore, 'write' | 'discard'>;
  readonly probe: AudioProbe;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly followUps: CallStoredEffects;
}

/** A call as a sender hands it over: its metadata (validated by the use-case) and its audio bytes. */
export interface ReceivedCall {
  readonly metadata: unknown;
  readonly audio: Uint8Array;
}
