import type { StoredExport } from '../../core/access/export-store.port';
import type { AuditEvent } from '../../core/audit/audit-chain';
import type { JsonValue } from '../../core/audit/canonical-json';
import type { CrmLinkResult } from '../../core/crm/crm-adapter.port';
import type { OutboxMessage, OutboxStatus, StoredOutboxMessage } from '../../core/crm/outbox.port';
import type { CrmConnectionRow } from '../../core/crm/crm-connections.port';
import type { Job, JobStatus } from '../../core/jobs/job-queue.port';
import type { Agent, Call, CallStatus, CrmLink, CrmName } from '../../core/recordings/call';
import type { ProviderAccountRow } from '../../core/recordings/provider-accounts.port';
import type { HoldSelector, LegalHold } from '../../core/retention/legal-hold';
import type { SweepRecord } from '../../core/retention/retention-store.port';

/**
 * Rows of the tables the SQLite and PostgreSQL stores share (the PostgreSQL schema mirrors SQLite's column for
 * column) and their mapping to the domain, written once for both stores.
 */

/** A bigint column: better-sqlite3 returns a number, pg a string (every value here is a safe integer). */
export type BigIntColumn = number | string;

export interface CallRow {
  tenant_id: string;
  id: string;
  provider: string;
  provider_call_id: string;
  channel: Call['channel'];
  direction: Call['direction'];
  started_at: string;
  ended_at: string;
  duration_s: number;
  agent_id: string | null;
  team: string | null;
  queue: string | null;
  customer_phone: string | null;
  inquiry_type: string | null;
  tags_json: string;
  csat: number | null;
  crm_links_json: string;
  status: CallStatus;
  rec_format: 'wav' | 'mp3' | null;
  rec_bytes: BigIntColumn | null;
  rec_sha256: string | null;
  rec_channels: number | null;
  rec_duration_s: number | null;
  rec_key_id: string | null;
  created_at: string;
}

export function rowToCall(row: CallRow): Call {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    provider: row.provider,
    providerCallId: row.provider_call_id,
    channel: row.channel,
    direction: row.direction,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationS: row.duration_s,
    agentId: row.agent_id,
    team: row.team,
    queue: row.queue,
    customerPhone: row.customer_phone,
    inquiryType: row.inquiry_type,
    tags: JSON.parse(row.tags_json) as string[],
    csat: row.csat,
    crmLinks: JSON.parse(row.crm_links_json) as CrmLink[],
    status: row.status,
    recording:
      row.rec_format && row.rec_key_id
        ? {
            format: row.rec_format,
            bytes: Number(row.rec_bytes ?? 0),
            sha256: row.rec_sha256 ?? '',
            channels: row.rec_channels ?? 1,
            durationS: row.rec_duration_s ?? row.duration_s,
            keyId: row.rec_key_id,
          }
        : null,
    createdAt: row.created_at,
  };
}

export interface AgentRow {
  tenant_id: string;
  id: string;
  name: string;
  team: string;
  seniority: Agent['seniority'];
  hired_at: string;
}

export const rowToAgent = (r: AgentRow): Agent => ({ tenantId: r.tenant_id, id: r.id, name: r.name, team: r.team, seniority: r.seniority, hiredAt: r.hired_at });

export interface HoldRow {
  tenant_id: string;
  id: string;
  selector_json: string;
  reason: string;
  author: string;
  created_at: string;
  expires_at: string | null;
  released_at: string | null;
  released_by: string | null;
}

export function rowToHold(row: HoldRow): LegalHold {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    by: JSON.parse(row.selector_json) as HoldSelector,
    reason: row.reason,
    author: row.author,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
  };
}

export interface SweepRow {
  tenant_id: string;
  id: string;
  status: 'running' | 'done';
  decided_at: string;
  started_at: string;
  finished_at: string | null;
  cursor_id: string | null;
  processed: number;
  counts_json: string;
}

export function rowToSweep(row: SweepRow): SweepRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    status: row.status,
    decidedAt: row.decided_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    cursorId: row.cursor_id,
    processed: row.processed,
    counts: JSON.parse(row.counts_json) as Record<string, number>,
  };
}

export interface JobRow {
  id: string;
  tenant_id: string;
  kind: string;
  payload_json: string;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_at: string;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export function rowToJob(row: JobRow): Job {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    payload: JSON.parse(row.payload_json) as unknown,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    leaseUntil: row.lease_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ExportRow {
  tenant_id: string;
  id: string;
  status: StoredExport['status'];
  requested_by: string;
  reason: string;
  filter_json: string | null;
  call_ids_json: string;
  audio_bytes: BigIntColumn;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  expires_at: string | null;
  downloads: number;
  last_download_at: string | null;
}

export function rowToExport(row: ExportRow): StoredExport {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    status: row.status,
    requestedBy: row.requested_by,
    reason: row.reason,
    filter: row.filter_json === null ? null : (JSON.parse(row.filter_json) as Record<string, unknown>),
    callIds: JSON.parse(row.call_ids_json) as string[],
    audioBytes: Number(row.audio_bytes),
    createdAt: row.created_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    expiresAt: row.expires_at,
    downloads: row.downloads,
    lastDownloadAt: row.last_download_at,
  };
}

export interface AuditRow {
  tenant_id: string;
  seq: BigIntColumn;
  at: string;
  actor: string | null;
  role: AuditEvent['role'];
  action: string;
  target: string | null;
  outcome: AuditEvent['outcome'];
  reason: string | null;
  details_json: string | null;
  prev_hash: string;
  hash: string;
}

export function rowToAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    tenantId: row.tenant_id,
    actor: row.actor,
    role: row.role,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.details_json !== null ? { details: JSON.parse(row.details_json) as Record<string, JsonValue> } : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface OutboxRow {
  id: string;
  tenant_id: string;
  kind: string;
  payload_json: string;
  status: OutboxStatus;
  attempts: number;
  deferrals: number;
  next_attempt_at: string;
  lease_until: string | null;
  last_error_code: string | null;
  result_json: string | null;
  created_at: string;
}

/** The stored payload, or null when it is not JSON (the consumer validates payloads and dead-letters what it cannot read). */
export function parsePayload(payloadJson: string): unknown {
  try {
    return JSON.parse(payloadJson) as unknown;
  } catch {
    return null;
  }
}

export function rowToOutboxMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    payload: parsePayload(row.payload_json),
    status: row.status,
    attempts: row.attempts,
    deferrals: row.deferrals,
    nextAttemptAt: new Date(row.next_attempt_at),
    leaseUntil: row.lease_until === null ? null : new Date(row.lease_until),
    lastErrorCode: row.last_error_code,
    createdAt: new Date(row.created_at),
  };
}

export function rowToStoredOutboxMessage(row: OutboxRow): StoredOutboxMessage {
  return { ...rowToOutboxMessage(row), result: row.result_json === null ? null : (JSON.parse(row.result_json) as CrmLinkResult) };
}

export interface ProviderAccountDbRow {
  provider: string;
  account_id: string;
  tenant_id: string;
  sealed_secret: Uint8Array;
  settings_json: string;
}

export function rowToProviderAccount(row: ProviderAccountDbRow): ProviderAccountRow {
  return {
    provider: row.provider,
    accountId: row.account_id,
    tenantId: row.tenant_id,
    sealedSecret: row.sealed_secret,
    settings: JSON.parse(row.settings_json) as Record<string, unknown>,
  };
}

export interface CrmConnectionDbRow {
  tenant_id: string;
  crm: CrmName;
  account_id: string;
  sealed_secret: Uint8Array;
  settings_json: string;
}

export function rowToCrmConnection(row: CrmConnectionDbRow): CrmConnectionRow {
  return {
    tenantId: row.tenant_id,
    crm: row.crm,
    accountId: row.account_id,
    sealedSecret: row.sealed_secret,
    settings: JSON.parse(row.settings_json) as Record<string, unknown>,
  };
}
