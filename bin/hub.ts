import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock, IdGenerator } from '../core/shared/clock.port';
import type { Awaitable } from '../core/shared/awaitable';
import type { IngestResult } from '../core/recordings/ingest-call';
import type { Tenant } from '../core/recordings/call';
import type { Principal } from '../core/access/access.policy';
import { createCallsUseCases, systemActor, type CallsUseCases } from '../app/calls';
import { createIngestUseCases, type IngestUseCases } from '../app/ingest';
import { createTenantsUseCases, provisionTenant, type TenantsUseCases } from '../app/tenants';
import { openStorage, type HubStorage } from './storage';
import { JobRunner } from './workers';
import type { Call } from '../core/recordings/call';
import type { Transcript } from '../core/analysis/transcript.types';
import type { NewJob, NewOutboxMessage } from '../core/recordings/call-repository.port';
import type { HubKeyStore } from '../adapters/keys/key-store';
import { openKeyStore } from './wiring/key-store.wiring';
import type { HubAudioStore } from '../core/recordings/audio-store.port';
import { openAudioStore } from './wiring/audio-store.wiring';
import { MusicMetadataAudioProbe } from '../adapters/audio/probe';
import { TwilioRecordingWebhook } from '../adapters/telephony/twilio';
import { buildHttpApp, DEFAULT_EXPENSIVE_ROUTE_LIMITS, type ExpensiveRouteLimits } from '../adapters/http/server';
import { SqlitePendingRecordings } from '../adapters/storage/sqlite/sqlite.pending-recordings';
import { SqliteAuditLog } from '../adapters/storage/sqlite/sqlite.audit-log';
import { PostgresAuditLog } from '../adapters/storage/postgres/postgres.audit-log';
import { PostgresPendingRecordings } from '../adapters/storage/postgres/postgres.pending-recordings';
import { openPostgresDatabase } from '../adapters/storage/postgres/postgres-database';
import type { PendingRecordingStore } from '../core/recordings/pending-recording.port';
import type { RecordingFetchPolicy } from '../app/recordings/index';
import { recordingFetchPolicyFromEnv, recordingsUseCasesOf, twilioAccountFinder } from './wiring/recordings.wiring';
import { PlaybackTokens, TokenService } from '../adapters/http/token-service';
import { openApiRoutes } from '../adapters/http/routes/openapi.routes';
import type { AuditEntry, HttpPlugin } from '../adapters/http/http.deps';
import type { TelephonyWebhookHandler } from '../core/recordings/telephony.port';
import type { HubConfig } from './config';
import { z } from 'zod';
import { describeIssues } from '../core/shared/validation';
import { TenantSettingsCache } from '../app/settings';
import { PostgresSettingsNotifications } from '../adapters/storage/postgres/postgres.notifications';

export const systemClock: Clock = { now: () => new Date() };

/** Random ids: a prefix and 20 base32 characters (100 bits). */
export const randomIds: IdGenerator = {
  newId(prefix: string): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    const bytes = randomBytes(20);
    let id = '';
    for (const byte of bytes) id += alphabet[byte & 31];
    return `${prefix}_${id}`;
  },
};

/** The hub's parts wired together: storage, keys, audio, tokens and the audit trail. */
export interface Hub {
  readonly config: HubConfig;
  /** Every store, on SQLite or PostgreSQL (bin/storage.ts). */
  readonly storage: HubStorage;
  readonly calls: HubStorage['calls'];
  /** Tenant secrets and recording keys: DATA_DIR/keys or the hub's database (KEY_STORE). */
  readonly keys: HubKeyStore;
  /** Encrypted audio, hot and archive tiers: the data folder or an S3-compatible bucket (AUDIO_STORE). */
  readonly audio: HubAudioStore;
  readonly auditLog: HubStorage['auditLog'];
  readonly accounts: HubStorage['accounts'];
  /** Transcripts, analyses and the flag index. */
  readonly transcripts: HubStorage['transcripts'];
  readonly tokens: TokenService;
  readonly playback: PlaybackTokens;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly jobQueue: HubStorage['jobQueue'];
  /**
   * Tenant settings through this process's cache: on PostgreSQL it drops a tenant when another process announces a
   * change (LISTEN/NOTIFY, `settingsChanges`), and checks the stored revision on every read while that feed is down.
   */
  readonly tenantSettings: TenantSettingsCache;
  /** This process's LISTEN connection for settings changes (PostgreSQL only); `callsight serve` starts it. */
  readonly settingsChanges: PostgresSettingsNotifications | null;
  /** In-process workers; capabilities register their job kinds here. */
  readonly jobs: JobRunner;
  /** Work queued atomically with every newly stored call (transcription, CRM sync...). */
  onCallStored(hook: (call: Call) => Awaitable<{ jobs?: NewJob[]; outbox?: NewOutboxMessage[] }>): void;
  /** Hooks that remove everything derived from a call (transcript, analysis, search entries) when it is deleted. */
  onCallPurge(hook: (tenantId: string, callId: string) => Promise<void>): void;
  purgeDerived(tenantId: string, callId: string): Promise<void>;
  /** Hooks run after a call's transcript is stored (e.g. the search index). */
  onTranscriptStored(hook: (tenantId: string, callId: string, transcript: Transcript) => Promise<void>): void;
  transcriptStored(tenantId: string, callId: string, transcript: Transcript): Promise<void>;
  /** The ingest use-case (app/ingest), for every door a call comes in by: upload, webhooks, import, seeding. */
  readonly ingestion: IngestUseCases;
  /** Recordings reported by telephony providers and not stored yet (the webhook's durable inbox). */
  readonly pendingRecordings: PendingRecordingStore;
  /** The providers' own lists of calls (Twilio API, Connect CTRs, PBX CDRs): what completeness is counted against. */
  readonly providerCalls: HubStorage['providerCalls'];
  /** How long and how often reported recordings are fetched (RECORDING_FETCH_* settings). */
  readonly recordingFetchPolicy: RecordingFetchPolicy;
  /** Per-user and per-tenant budgets of the expensive routes (RATE_LIMIT_EXPENSIVE_* settings). */
  readonly expensiveLimits: ExpensiveRouteLimits;
  /** Adding tenants and issuing users' tokens (app/tenants), as the CLI does. */
  readonly tenantAdmin: TenantsUseCases;
  /** Ingests a call as the system actor `system` (fixtures, benchmarks): the ingest use-case, audited like any other. */
  ingest(tenantId: string, metadata: unknown, audio: Uint8Array): Promise<IngestResult>;
  audit(entry: AuditEntry): Promise<void>;
  /**
   * Creates the tenant (and its keys) if needed; idempotent. Unaudited setup for the hub's own start and tests;
   * operators add tenants through `tenantAdmin.addTenant`, which is audited.
   */
  ensureTenant(tenant: Omit<Tenant, 'createdAt'>): Promise<Tenant>;
  close(): Promise<void>;
}

/** Settings of the hub beyond HubConfig; each defaults to its environment variables. */
export interface HubOptions {
  readonly recordingFetch?: RecordingFetchPolicy;
  readonly expensiveLimits?: ExpensiveRouteLimits;
}

const limitsEnvSchema = z.object({
  RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN: z.coerce.number().int().positive().optional(),
  RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN: z.coerce.number().int().positive().optional(),
});

/**
 * The expensive-route budgets from the environment: RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN (default 600) and
 * RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN (default 3000), per minute. Throws naming the bad setting.
 */
export function expensiveLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ExpensiveRouteLimits {
  const parsed = limitsEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${describeIssues(parsed.error)}. See docs/decisions/rate-limits.md.`);
  return {
    perUser: parsed.data.RATE_LIMIT_EXPENSIVE_PER_USER_PER_MIN ?? DEFAULT_EXPENSIVE_ROUTE_LIMITS.perUser,
    perTenant: parsed.data.RATE_LIMIT_EXPENSIVE_PER_TENANT_PER_MIN ?? DEFAULT_EXPENSIVE_ROUTE_LIMITS.perTenant,
    windowMs: 60_000,
  };
}

export async function openHub(config: HubConfig, clock: Clock = systemClock, options: HubOptions = {}): Promise<Hub> {
  const recordingFetchPolicy = options.recordingFetch ?? recordingFetchPolicyFromEnv();
  const expensiveLimits = options.expensiveLimits ?? expensiveLimitsFromEnv();
  const storage = await openStorage(config);
  // HubStorage does not hand out its PostgreSQL pool, so the pending-recording store gets a small one of its own on
  // the same database (its rows and their fetch jobs still commit in one transaction).
  const pendingDb = config.databaseUrl ? await openPostgresDatabase(config.databaseUrl, { maxConnections: 2 }) : null;
  const pendingRecordings: PendingRecordingStore = pendingDb
    ? new PostgresPendingRecordings(pendingDb)
    : new SqlitePendingRecordings(storage.sqlite!);
  const { calls, auditLog, accounts, transcripts, jobQueue } = storage;
  const settingsChanges = config.databaseUrl ? new PostgresSettingsNotifications(config.databaseUrl) : null;
  const tenantSettings = new TenantSettingsCache(storage.settings, settingsChanges ? { changes: settingsChanges } : {});
  const keys = await openKeyStore(config, storage);
  const audio = await openAudioStore(config.audioStore, config.dataDir, keys);
  const probe = new MusicMetadataAudioProbe();
  const secretFor = (tenantId: string, purpose: 'jwt' | 'playback-url') =>
    keys.hasTenant(tenantId) ? keys.deriveSecret(tenantId, purpose) : null;
  const tokens = new TokenService(secretFor);
  const playback = new PlaybackTokens(secretFor);

  const jobs = new JobRunner(jobQueue, clock);
  const storedHooks: ((call: Call) => Awaitable<{ jobs?: NewJob[]; outbox?: NewOutboxMessage[] }>)[] = [];
  const purgeHooks: ((tenantId: string, callId: string) => Promise<void>)[] = [];
  const transcriptHooks: ((tenantId: string, callId: string, transcript: Transcript) => Promise<void>)[] = [];
  const followUps = async (call: Call) => {
    const effects = { jobs: [] as NewJob[], outbox: [] as NewOutboxMessage[] };
    for (const hook of storedHooks) {
      const more = await hook(call);
      effects.jobs.push(...(more.jobs ?? []));
      effects.outbox.push(...(more.outbox ?? []));
    }
    return effects;
  };

  // The use-cases' events share commits (group commit: SqliteAuditLog / PostgresAuditLog.appendGrouped).
  const appendAudit =
    auditLog instanceof SqliteAuditLog || auditLog instanceof PostgresAuditLog ? auditLog.appendGrouped.bind(auditLog) : auditLog.append.bind(auditLog);
  const audit = async (entry: AuditEntry) => {
    await appendAudit({ ...entry, at: clock.now().toISOString() });
  };
  const ingestion = createIngestUseCases({
    calls,
    audio,
    probe,
    clock,
    ids: randomIds,
    followUps: { effectsOf: followUps },
    audit,
  });
  const tenantAdmin = createTenantsUseCases({ tenants: calls, keys, accounts, tokens, clock, audit });

  const hub: Hub = {
    config,
    storage,
    calls,
    keys,
    audio,
    auditLog,
    accounts,
    transcripts,
    tokens,
    playback,
    clock,
    ids: randomIds,
    jobQueue,
    tenantSettings,
    settingsChanges,
    jobs,
    onCallStored: (hook) => storedHooks.push(hook),
    onCallPurge: (hook) => purgeHooks.push(hook),
    async purgeDerived(tenantId, callId) {
      for (const hook of purgeHooks) await hook(tenantId, callId);
    },
    onTranscriptStored: (hook) => transcriptHooks.push(hook),
    async transcriptStored(tenantId, callId, transcript) {
      for (const hook of transcriptHooks) await hook(tenantId, callId, transcript);
    },
    ingestion,
    pendingRecordings,
    providerCalls: storage.providerCalls,
    recordingFetchPolicy,
    expensiveLimits,
    tenantAdmin,
    ingest: (tenantId, metadata, bytes) => ingestion.ingestCall(systemActor(tenantId, 'system'), { metadata, audio: bytes }),
    audit,
    ensureTenant: (tenant) => provisionTenant({ tenants: calls, keys, clock }, tenant),
    async close() {
      await settingsChanges?.close();
      await pendingDb?.close();
      await storage.close();
      await keys.close();
      audio.close?.();
    },
  };
  return hub;
}

/** Telephony webhook handlers, each resolving provider accounts to tenants. */
export function telephonyHandlers(hub: Hub): Map<string, TelephonyWebhookHandler> {
  const recordings = recordingsUseCasesOf(hub);
  const twilio = new TwilioRecordingWebhook({
    findAccount: twilioAccountFinder(hub),
    accept: (tenantId, report) => recordings.acceptRecording(systemActor(tenantId, 'twilio'), report),
  });
  return new Map([[twilio.provider, twilio]]);
}

/** What capabilities add to the HTTP API's own routes. */
export interface HubHttpHooks {
  /** Runs before a recording is played (e.g. brings it back from the archive); returns the call to play. */
  readonly beforePlay?: (call: Call, principal: Principal) => Promise<Call>;
}

/** The calls use-cases (app/calls) on the hub's stores, with the capabilities' playback preparation. */
export function hubCallsUseCases(hub: Hub, hooks: HubHttpHooks = {}): CallsUseCases {
  const beforePlay = hooks.beforePlay;
  return createCallsUseCases({
    calls: hub.calls,
    transcripts: hub.transcripts,
    audio: hub.audio,
    playback: hub.playback,
    preparation: { beforePlay: beforePlay ? (call, principal) => beforePlay(call, principal) : async (call) => call },
    clock: hub.clock,
    audit: (entry) => hub.audit(entry),
  });
}

/** The hub's REST API (adapters/http) on the hub's use-cases, with the capabilities' route modules. */
export async function buildHubHttp(hub: Hub, plugins: readonly HttpPlugin[] = [], hooks: HubHttpHooks = {}): Promise<FastifyInstance> {
  return buildHttpApp({
    config: {
      maxAudioBytes: hub.config.maxAudioBytes,
      rateLimitPerMinute: hub.config.rateLimitPerMinute,
      logLevel: hub.config.logLevel,
      ...(hub.config.publicUrl ? { publicUrl: hub.config.publicUrl } : {}),
    },
    clock: hub.clock,
    tokens: hub.tokens,
    playback: hub.playback,
    calls: hubCallsUseCases(hub, hooks),
    ingest: hub.ingestion,
    telephony: telephonyHandlers(hub),
    audit: (entry) => hub.audit(entry),
    expensiveLimits: hub.expensiveLimits,
    plugins: [...plugins, openApiRoutes({ checkResponses: process.env.CALLSIGHT_OPENAPI_CHECK === '1' })],
  });
}
