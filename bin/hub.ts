import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import type { Clock, IdGenerator } from '../core/shared/clock.port';
import { ingestCall, type IngestResult } from '../core/recordings/ingest-call';
import type { Tenant } from '../core/recordings/call';
import { openSqliteDatabase, SqliteAuditLog, SqliteCallRepository, SqliteProviderAccounts } from '../adapters/storage/sqlite';
import { FileKeyVault } from '../adapters/keys/file';
import { EncryptedFsAudioStore } from '../adapters/blob/encrypted-fs';
import { MusicMetadataAudioProbe } from '../adapters/audio/probe';
import { TwilioRecordingWebhook } from '../adapters/telephony/twilio';
import { buildHttpApp } from '../adapters/http/server';
import { PlaybackTokens, TokenService } from '../adapters/http/token-service';
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
  readonly db: Database.Database;
  readonly calls: SqliteCallRepository;
  readonly keys: FileKeyVault;
  readonly audio: EncryptedFsAudioStore;
  readonly auditLog: SqliteAuditLog;
  readonly accounts: SqliteProviderAccounts;
  readonly tokens: TokenService;
  readonly playback: PlaybackTokens;
  readonly clock: Clock;
  ingest(tenantId: string, metadata: unknown, audio: Uint8Array): Promise<IngestResult>;
  audit(entry: AuditEntry): Promise<void>;
  /** Creates the tenant (and its keys) if needed; idempotent. */
  ensureTenant(tenant: Omit<Tenant, 'createdAt'>): Promise<Tenant>;
  close(): void;
}

export function openHub(config: HubConfig, clock: Clock = systemClock): Hub {
  const db = openSqliteDatabase(join(config.dataDir, 'callsight.db'));
  const calls = new SqliteCallRepository(db);
  const keys = new FileKeyVault(join(config.dataDir, 'keys'));
  const audio = new EncryptedFsAudioStore(join(config.dataDir, 'audio'), keys);
  const probe = new MusicMetadataAudioProbe();
  const auditLog = new SqliteAuditLog(db);
  const accounts = new SqliteProviderAccounts(db);
  const secretFor = (tenantId: string, purpose: 'jwt' | 'playback-url') =>
    keys.hasTenant(tenantId) ? keys.deriveSecret(tenantId, purpose) : null;
  const tokens = new TokenService(secretFor);
  const playback = new PlaybackTokens(secretFor);

  const hub: Hub = {
    config,
    db,
    calls,
    keys,
    audio,
    auditLog,
    accounts,
    tokens,
    playback,
    clock,
    ingest: (tenantId, metadata, bytes) =>
      ingestCall({ calls, audio, probe, clock, ids: randomIds }, tenantId, metadata, bytes),
    async audit(entry) {
      auditLog.append({ ...entry, at: clock.now().toISOString() });
    },
    async ensureTenant(tenant) {
      keys.ensureTenant(tenant.id);
      const existing = await calls.getTenant(tenant.id);
      if (existing) return existing;
      const created: Tenant = { ...tenant, createdAt: clock.now().toISOString() };
      await calls.upsertTenant(created);
      return created;
    },
    close() {
      db.close();
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
      const row = hub.accounts.find('twilio', accountSid);
      if (!row) return null;
      return { tenantId: row.tenantId, accountSid, authToken: hub.keys.openSecret(row.tenantId, 'twilio', row.sealedSecret) };
    },
    findExisting: (tenantId, callSid) => hub.calls.findByProviderCallId(tenantId, 'twilio', callSid),
    ingest: (tenantId, metadata, bytes) => hub.ingest(tenantId, metadata, bytes),
  });
  return new Map([[twilio.provider, twilio]]);
}

export async function buildHubHttp(hub: Hub, plugins: readonly HttpPlugin[] = []): Promise<FastifyInstance> {
  return buildHttpApp({
    config: {
      maxAudioBytes: hub.config.maxAudioBytes,
      rateLimitPerMinute: hub.config.rateLimitPerMinute,
      logLevel: hub.config.logLevel,
      ...(hub.config.publicUrl ? { publicUrl: hub.config.publicUrl } : {}),
    },
    calls: hub.calls,
    audio: hub.audio,
    clock: hub.clock,
    tokens: hub.tokens,
    playback: hub.playback,
    ingest: (tenantId, metadata, bytes) => hub.ingest(tenantId, metadata, bytes),
    telephony: telephonyHandlers(hub),
    audit: (entry) => hub.audit(entry),
    plugins,
  });
}
