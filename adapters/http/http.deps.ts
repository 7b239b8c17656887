import type { AuditEntry, AuditRecorder } from '../../core/audit/audit-recorder.port';
import type { Clock } from '../../core/shared/clock.port';
import type { Principal } from '../../core/access/access.policy';
import type { AudioStore } from '../../core/recordings/audio-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { IngestResult } from '../../core/recordings/ingest-call';
import type { TelephonyWebhookHandler } from '../../core/recordings/telephony.port';
import type { PlaybackTokens, TokenService } from './token-service';
import type { CallScreening } from './call-view';

export type { AuditEntry, AuditRecorder };

/** The audit entry for one access by an authenticated principal; `target` is `kind:id` or null. */
export function auditEntry(
  principal: Principal,
  action: string,
  target: string | null,
  outcome: AuditEntry['outcome'],
  reason?: string,
  details?: AuditEntry['details'],
): AuditEntry {
  return {
    tenantId: principal.tenantId,
    actor: principal.userId,
    role: principal.role,
    action,
    target,
    outcome,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
  };
}

export interface HttpConfig {
  /** Largest accepted audio upload, in bytes. */
  readonly maxAudioBytes: number;
  /** Base URL the hub is reached at from outside (for signed playback URLs and webhook signatures). */
  readonly publicUrl?: string;
  /** Requests per minute per client address. */
  readonly rateLimitPerMinute: number;
  readonly logLevel: string;
}

/** Everything the HTTP adapter needs, wired by bin/. */
export interface HttpDeps {
  readonly config: HttpConfig;
  readonly calls: CallRepository;
  readonly audio: AudioStore;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly playback: PlaybackTokens;
  readonly ingest: (tenantId: string, metadata: unknown, audio: Uint8Array) => Promise<IngestResult>;
  readonly telephony: ReadonlyMap<string, TelephonyWebhookHandler>;
  readonly audit: AuditRecorder;
  /** Screening summary per call id (flags and risk), once analysis has run. */
  readonly screening?: (tenantId: string, callIds: readonly string[]) => Promise<ReadonlyMap<string, CallScreening>>;
  /**
   * For readers whose role sees personal data masked: the redacted copy to play instead of the original,
   * `null` when the call holds no spoken personal data, `unavailable` when it does but no copy exists.
   */
  readonly redactedAudio?: (call: import('../../core/recordings/call').Call) => Promise<RedactedAudio | 'unavailable' | null>;
  /** Runs before audio is streamed, e.g. to bring an archived recording back; returns the call to play. */
  readonly beforePlay?: (call: import('../../core/recordings/call').Call, principal: Principal) => Promise<import('../../core/recordings/call').Call>;
  /** Extra route modules (transcripts, audit, exports, retention...) registered after the core routes. */
  readonly plugins?: readonly HttpPlugin[];
}

export type HttpPlugin = (app: import('fastify').FastifyInstance, helpers: HttpHelpers) => void | Promise<void>;

/** Shared helpers handed to route modules so that every route authenticates and audits the same way. */
export interface HttpHelpers {
  authenticate(request: import('fastify').FastifyRequest): Promise<Principal>;
  audit: AuditRecorder;
}

export interface RedactedAudio {
  readonly recordingId: string;
  readonly keyId: string;
  readonly bytes: number;
  readonly format: 'wav' | 'mp3';
}
