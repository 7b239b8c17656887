import type { AuditEntry, AuditRecorder } from '../../core/audit/audit-recorder.port';
import type { Clock } from '../../core/shared/clock.port';
import type { Principal } from '../../core/access/access.policy';
import type { TelephonyWebhookHandler } from '../../core/recordings/telephony.port';
import type { CallsUseCases } from '../../app/calls';
import type { IngestUseCases } from '../../app/ingest';
import type { PlaybackTokens, TokenService } from './token-service';

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

/** Everything the HTTP adapter's own routes need, wired by bin/: the use-cases they call and the token checks. */
export interface HttpDeps {
  readonly config: HttpConfig;
  readonly clock: Clock;
  /** Verifies bearer tokens (authenticate). */
  readonly tokens: Pick<TokenService, 'verify'>;
  /** Verifies signed playback URLs (the playback-link use-case issues them). */
  readonly playback: Pick<PlaybackTokens, 'verify'>;
  readonly calls: CallsUseCases;
  readonly ingest: IngestUseCases;
  readonly telephony: ReadonlyMap<string, TelephonyWebhookHandler>;
  /** The audit trail: rejected tokens (before any use-case runs) and the route modules that still write to it. */
  readonly audit: AuditRecorder;
  /** Extra route modules (transcripts, audit, exports, retention...) registered after the core routes. */
  readonly plugins?: readonly HttpPlugin[];
}

export type HttpPlugin = (app: import('fastify').FastifyInstance, helpers: HttpHelpers) => void | Promise<void>;

/** Shared helpers handed to route modules so that every route authenticates and audits the same way. */
export interface HttpHelpers {
  authenticate(request: import('fastify').FastifyRequest): Promise<Principal>;
  audit: AuditRecorder;
}

