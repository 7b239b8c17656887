import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  openSqliteDatabase,
  SqliteAuditLog,
  SqliteCallRepository,
  SqliteCrmConnections,
  SqliteExports,
  SqliteJobQueue,
  SqliteOutboxStore,
  SqliteProviderAccounts,
  SqliteQualityStore,
  SqliteRetentionStore,
  SqliteTenantSettings,
  SqliteTranscriptStore,
  SqliteClipStore,
  SqliteProviderCallLedger,
  SqliteBackfillCheckpoints,
} from '../adapters/storage/sqlite';
import {
  openPostgresDatabase,
  PostgresAuditLog,
  PostgresCallRepository,
  PostgresCrmConnections,
  PostgresExports,
  PostgresJobQueue,
  PostgresOutboxStore,
  PostgresProviderAccounts,
  PostgresQualityStore,
  PostgresRetentionStore,
  PostgresTenantSettings,
  PostgresTranscriptStore,
  PostgresClipStore,
  PostgresProviderCallLedger,
  PostgresBackfillCheckpoints,
} from '../adapters/storage/postgres';
import type { CallRepository } from '../core/recordings/call-repository.port';
import type { Tokenizer } from '../core/search/tokenizer.port';
import type { AuditLogStore } from '../core/audit/audit-log.port';
import type { ProviderAccountStore } from '../core/recordings/provider-accounts.port';
import type { TranscriptStore } from '../core/transcription/transcript-store.port';
import type { JobQueue } from '../core/jobs/job-queue.port';
import type { QualityStore } from '../core/quality/quality-store.port';
import type { RetentionStore } from '../core/retention/retention-store.port';
import type { ExportStore } from '../core/access/export-store.port';
import type { TenantSettingsStore } from '../core/access/tenant-settings.port';
import type { OutboxAdmin, OutboxStore } from '../core/crm/outbox.port';
import type { CrmConnectionStore } from '../core/crm/crm-connections.port';
import type { ClipStore } from '../core/training/clip-store.port';
import type { ProviderCallLedger } from '../core/recordings/provider-call-ledger.port';
import type { BackfillCheckpointStore } from '../core/recordings/backfill-checkpoint.port';
import type { HubConfig } from './config';

/**
 * Every store of the hub, on one database: the SQLite file DATA_DIR/callsight.db by default, or the PostgreSQL
 * database of DATABASE_URL. Both sets pass the same contract suites (test/contracts/), so nothing above this
 * file knows which one it has, except backups, which copy the SQLite file.
 */
export interface HubStorage {
  readonly kind: 'sqlite' | 'postgres';
  readonly calls: CallRepository & { useTokenizer(tokenizer: Tokenizer): void };
  readonly auditLog: AuditLogStore;
  readonly accounts: ProviderAccountStore;
  readonly transcripts: TranscriptStore;
  readonly jobQueue: JobQueue;
  readonly quality: QualityStore;
  readonly retention: RetentionStore;
  readonly exports: ExportStore;
  readonly settings: TenantSettingsStore;
  readonly outbox: OutboxStore & OutboxAdmin;
  readonly connections: CrmConnectionStore;
  /** Training clips and their pins to coaching tasks. */
  readonly clips: ClipStore;
  /** The providers' own lists of calls (Twilio API, Connect CTRs, PBX CDRs) that completeness is counted against. */
  readonly providerCalls: ProviderCallLedger;
  /** Where each backfill (`callsight import --from ...`) stopped. */
  readonly backfills: BackfillCheckpointStore;
  /** The SQLite database, for backups; null on PostgreSQL (back it up with the server's own tools). */
  readonly sqlite: Database.Database | null;
  close(): Promise<void>;
}

export async function openStorage(config: Pick<HubConfig, 'dataDir' | 'databaseUrl'>): Promise<HubStorage> {
  if (config.databaseUrl) {
    const db = await openPostgresDatabase(config.databaseUrl);
    return {
      kind: 'postgres',
      calls: new PostgresCallRepository(db),
      auditLog: new PostgresAuditLog(db),
      accounts: new PostgresProviderAccounts(db),
      transcripts: new PostgresTranscriptStore(db),
      jobQueue: new PostgresJobQueue(db),
      quality: new PostgresQualityStore(db),
      retention: new PostgresRetentionStore(db),
      exports: new PostgresExports(db),
      settings: new PostgresTenantSettings(db),
      outbox: new PostgresOutboxStore(db),
      connections: new PostgresCrmConnections(db),
      clips: new PostgresClipStore(db),
      providerCalls: new PostgresProviderCallLedger(db),
      backfills: new PostgresBackfillCheckpoints(db),
      sqlite: null,
      close: () => db.close(),
    };
  }
  const db = openSqliteDatabase(join(config.dataDir, 'callsight.db'));
  return {
    kind: 'sqlite',
    calls: new SqliteCallRepository(db),
    auditLog: new SqliteAuditLog(db),
    accounts: new SqliteProviderAccounts(db),
    transcripts: new SqliteTranscriptStore(db),
    jobQueue: new SqliteJobQueue(db),
    quality: new SqliteQualityStore(db),
    retention: new SqliteRetentionStore(db),
    exports: new SqliteExports(db),
    settings: new SqliteTenantSettings(db),
    outbox: new SqliteOutboxStore(db),
    connections: new SqliteCrmConnections(db),
    clips: new SqliteClipStore(db),
    providerCalls: new SqliteProviderCallLedger(db),
    backfills: new SqliteBackfillCheckpoints(db),
    sqlite: db,
    close: async () => {
      db.close();
    },
  };
}
