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
import { FileKeyVault } from '../adapters/keys/file';
import { EncryptedFsAudioStore } from '../adapters/blob/encrypted-fs';
import { MusicMetadataAudioProbe } from '../adapters/audio/probe';
import { TwilioRecordingWebhook } from '../adapters/telephony/twilio';
import { buildHttpApp } from '../adapters/http/server';
import { PlaybackTokens, TokenService } from '../adapters/http/token-service';
import { openApiRoutes } from '../adapters/http/routes/openapi.routes';
import type { AuditEntry, HttpPlugin } from '../adapters/http/http.deps';
import type { TelephonyWebhookHandler } from '../core/recordings/telephony.port';
import type { HubConfig } from './config';

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
  readonly keys: FileKeyVault;
  readonly audio: EncryptedFsAudioStore;
  readonly auditLog: HubStorage['auditLog'];
  readonly accounts: HubStorage['accounts'];
  /** Transcripts, analyses and the flag index. */
  readonly transcripts: HubStorage['transcripts'];
  readonly tokens: TokenService;
  readonly playback: PlaybackTokens;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly jobQueue: HubStorage['jobQueue'];
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

export async function openHub(config: HubConfig, clock: Clock = systemClock): Promise<Hub> {
  const storage = await openStorage(config);
  const { calls, auditLog, accounts, transcripts, jobQueue } = storage;
  const keys = new FileKeyVault(join(config.dataDir, 'keys'));
  const audio = new EncryptedFsAudioStore(join(config.dataDir, 'audio'), keys);
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

  const audit = async (entry: AuditEntry) => {
    await auditLog.append({ ...entry, at: clock.now().toISOString() });
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
    tenantAdmin,
    ingest: (tenantId, metadata, bytes) => ingestion.ingestCall(systemActor(tenantId, 'system'), { metadata, audio: bytes }),
    audit,
    ensureTenant: (tenant) => provisionTenant({ tenants: calls, keys, clock }, tenant),
    async close() {
      await storage.close();
      keys.close();
    },
  };
  return hub;
}

/** Telephony webhook handlers, each resolving provider accounts to tenants. */
export function telephonyHandlers(hub: Hub): Map<string, TelephonyWebhookHandler> {
  const twilio = new TwilioRecordingWebhook({
    apiBaseUrl: hub.config.twilioApiBaseUrl,
    findAccount: async (accountSid) => {
      const row = await hub.accounts.find('twilio', accountSid);
      if (!row) return null;
      return { tenantId: row.tenantId, accountSid, authToken: hub.keys.openSecret(row.tenantId, 'twilio', row.sealedSecret) };
    },
    findExisting: (tenantId, callSid) => hub.calls.findByProviderCallId(tenantId, 'twilio', callSid),
    ingest: (tenantId, metadata, bytes) => hub.ingestion.ingestCall(systemActor(tenantId, 'twilio'), { metadata, audio: bytes }),
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
    plugins: [...plugins, openApiRoutes({ checkResponses: process.env.CALLSIGHT_OPENAPI_CHECK === '1' })],
  });
}
