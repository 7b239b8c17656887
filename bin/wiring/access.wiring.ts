import { once } from 'node:events';
import { z } from 'zod';
import { CallsightError } from '../../core/shared/errors';
import { GENESIS, verifyChain, type AuditEvent, type ChainLink } from '../../core/audit/audit-chain';
import { signCheckpoint, verifyCheckpoint, type SignedCheckpoint, type SigningKey } from '../../core/audit/audit-checkpoint';
import { auditRetentionCutoff, MIN_AUDIT_KEEP_DAYS, parseAuditRetentionPolicy, preparePrune, type AuditRetentionPolicy } from '../../core/audit/audit-retention';
import type { JsonValue } from '../../core/audit/canonical-json';
import type { Call } from '../../core/recordings/call';
import type { ExportStore } from '../../core/access/export-store.port';
import type { TenantSettingsStore } from '../../core/access/tenant-settings.port';
import { readBundleManifest, streamExportBundle, verifyExportBundle, type BundleVerification, type ZipEntrySource } from '../../adapters/export/zip';
import { auditRoutes, type AuditVerificationReport } from '../../adapters/http/routes/audit.routes';
import { exportsRoutes, type ExportLimits, type ExportRecord } from '../../adapters/http/routes/exports.routes';
import { settingsRoutes, type SettingDefinition } from '../../adapters/http/routes/settings.routes';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

export const AUDIT_RETENTION_SETTING = 'audit-retention';
export const EXPORTS_SETTING = 'exports';

/** Finance keeps operation logs as long as its recordings (DOMAIN R-ACC-2); everyone else at least one year. */
const FINANCE_AUDIT_KEEP_DAYS = 1827;
const DEFAULT_EXPORT_LIMITS: ExportLimits = { downloadTtlMinutes: 24 * 60, maxCalls: 500 };
const DAY_MS = 86_400_000;

const auditRetentionSchema = z.object({ keepDays: z.number().int().min(MIN_AUDIT_KEEP_DAYS).max(36_500) }).strict();
const exportsSchema = z
  .object({
    downloadTtlMinutes: z.number().int().min(5).max(7 * 24 * 60).optional(),
    maxCalls: z.number().int().min(1).max(5000).optional(),
  })
  .strict();

function parseWith<T extends z.ZodType>(schema: T, key: string, input: unknown): Record<string, JsonValue> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new CallsightError('VALIDATION_FAILED', `Invalid ${key} setting: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data as Record<string, JsonValue>;
}

/** Passes events through, letting the event loop run every `every` events so a long verification never stalls the API. */
async function* yieldingEvery<T>(every: number, items: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  let n = 0;
  for await (const item of items) {
    yield item;
    if (++n % every === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The signing key of a tenant's audit checkpoints; the id names the purpose and version, never the secret. */
export function checkpointKey(hub: Hub, tenantId: string): SigningKey {
  return { id: `${tenantId}:audit-checkpoint:v1`, secret: hub.keys.deriveSecret(tenantId, 'audit-checkpoint') };
}

/** The signing key of a tenant's export manifests. */
export function manifestKey(hub: Hub, tenantId: string): SigningKey {
  return { id: `${tenantId}:export-manifest:v1`, secret: hub.keys.deriveSecret(tenantId, 'export-manifest') };
}

/** The access capability's services, shared by its HTTP routes and the `audit` / `export` CLI commands. */
export interface AccessServices {
  readonly exports: ExportStore;
  readonly settings: TenantSettingsStore;
  readonly definitions: ReadonlyMap<string, SettingDefinition>;
  auditRetention(tenantId: string): Promise<AuditRetentionPolicy>;
  exportLimits(tenantId: string): Promise<ExportLimits>;
  /** Checks the chain from its start (genesis or prune anchor) against the newest signed checkpoint. */
  verifyAudit(tenantId: string): Promise<AuditVerificationReport>;
  /**
   * Signs and stores a checkpoint of the current head after verifying the whole chain; refuses (CONFLICT) when
   * the chain is broken, since a signature must never vouch for a tampered log.
   */
  checkpointAudit(tenantId: string): Promise<SignedCheckpoint>;
  /** Events with from <= at < to (ISO-8601 UTC), in chain order, read page by page. */
  auditEvents(tenantId: string, range: { from?: string; to?: string }): AsyncIterable<AuditEvent>;
  /** Prunes events older than the tenant's retention, keeping the chain verifiable through an anchor. */
  pruneAudit(tenantId: string, actor: string | null, options?: { dryRun?: boolean }): Promise<AuditPruneReport>;
  /** Streams the zip bundle of an approved export. */
  streamBundle(record: ExportRecord, calls: readonly Call[]): AsyncIterable<Uint8Array>;
  /** Verifies a bundle file offline with the tenant key held by this hub (`tenantId` defaults to the manifest's). */
  verifyBundle(path: string, tenantId?: string): Promise<BundleVerification & { tenantId: string | null }>;
}

export interface AuditPruneReport {
  readonly tenantId: string;
  readonly keepDays: number;
  readonly cutoff: string;
  /** Events removed (or that would be, on a dry run). */
  readonly pruned: number;
  /** The new verification start, when something was pruned. */
  readonly anchor: ChainLink | null;
  readonly dryRun: boolean;
}

/** Builds the services on an open hub (no HTTP); cheap, holds no state beyond prepared statements. */
export function createAccessServices(hub: Hub): AccessServices {
  const { exports, settings } = hub.storage;

  const definitions = new Map<string, SettingDefinition>([
    [
      AUDIT_RETENTION_SETTING,
      {
        parse: (input) => parseWith(auditRetentionSchema, AUDIT_RETENTION_SETTING, input),
        defaults: async (tenantId) => {
          const tenant = await hub.calls.getTenant(tenantId);
          return { keepDays: tenant?.industry === 'finance' ? FINANCE_AUDIT_KEEP_DAYS : MIN_AUDIT_KEEP_DAYS };
        },
      },
    ],
    [
      EXPORTS_SETTING,
      {
        parse: (input) => parseWith(exportsSchema, EXPORTS_SETTING, input),
        defaults: async () => ({ ...DEFAULT_EXPORT_LIMITS }),
      },
    ],
  ]);

  const storedValue = async (tenantId: string, key: string): Promise<Record<string, unknown>> =>
    ((await settings.get(tenantId, key))?.value as Record<string, unknown> | undefined) ?? {};

  const auditRetention = async (tenantId: string): Promise<AuditRetentionPolicy> => {
    const defaults = await definitions.get(AUDIT_RETENTION_SETTING)!.defaults(tenantId);
    return parseAuditRetentionPolicy({ ...defaults, ...(await storedValue(tenantId, AUDIT_RETENTION_SETTING)) });
  };

  const exportLimits = async (tenantId: string): Promise<ExportLimits> => ({
    ...DEFAULT_EXPORT_LIMITS,
    ...((await storedValue(tenantId, EXPORTS_SETTING)) as Partial<ExportLimits>),
  });

  const chainStart = async (tenantId: string): Promise<ChainLink> => {
    const anchor = await hub.auditLog.anchor(tenantId);
    return anchor ? { seq: anchor.seq, hash: anchor.hash } : GENESIS;
  };

  const verifyAudit = async (tenantId: string): Promise<AuditVerificationReport> => {
    const start = await chainStart(tenantId);
    const stored = await hub.auditLog.latestCheckpoint(tenantId);
    let checkpoint: AuditVerificationReport['checkpoint'] = null;
    let expectedHead: ChainLink | undefined;
    if (stored) {
      const valid = hub.keys.hasTenant(tenantId) && verifyCheckpoint(stored, checkpointKey(hub, tenantId)).ok;
      checkpoint = { seq: stored.seq, at: stored.at, valid };
      // A checkpoint at or before the prune anchor covers events that are gone by design.
      if (valid && stored.seq > start.seq) expectedHead = { seq: stored.seq, hash: stored.hash };
    }
    const result = await verifyChain(yieldingEvery(5000, hub.auditLog.iterate(tenantId, start.seq + 1)), { start, ...(expectedHead ? { expectedHead } : {}) });
    const firstBroken = result.firstBroken ?? (checkpoint && !checkpoint.valid ? { seq: checkpoint.seq, reason: 'checkpoint_invalid' as const } : undefined);
    return {
      ok: firstBroken === undefined,
      checked: result.checked,
      head: result.head,
      start,
      ...(firstBroken ? { firstBroken } : {}),
      checkpoint,
    };
  };

  const checkpointAudit = async (tenantId: string): Promise<SignedCheckpoint> => {
    const report = await verifyAudit(tenantId);
    if (!report.ok) {
      throw new CallsightError('CONFLICT', `The audit chain of tenant ${tenantId} is broken at seq ${report.firstBroken!.seq} (${report.firstBroken!.reason}); no checkpoint was signed. Run "callsight audit verify".`);
    }
    const signed = signCheckpoint({ tenantId, seq: report.head.seq, hash: report.head.hash, at: hub.clock.now().toISOString(), count: report.checked }, checkpointKey(hub, tenantId));
    await hub.auditLog.saveCheckpoint(signed);
    return signed;
  };

  async function* auditEvents(tenantId: string, range: { from?: string; to?: string }): AsyncIterable<AuditEvent> {
    let afterSeq = 0;
    for (;;) {
      const page = await hub.auditLog.query(tenantId, { ...range, afterSeq, limit: 1000 });
      yield* page;
      if (page.length < 1000) return;
      afterSeq = page.at(-1)!.seq;
    }
  }

  const pruneAudit = async (tenantId: string, actor: string | null, options: { dryRun?: boolean } = {}): Promise<AuditPruneReport> => {
    const policy = await auditRetention(tenantId);
    const now = hub.clock.now();
    const cutoff = auditRetentionCutoff(now, policy);
    const base = { tenantId, keepDays: policy.keepDays, cutoff: cutoff.toISOString(), dryRun: options.dryRun === true };
    const lastPruned = await hub.auditLog.lastPrunable(tenantId, cutoff.toISOString());
    const head = await hub.auditLog.head(tenantId);
    if (!lastPruned || !head) return { ...base, pruned: 0, anchor: null };
    const prunedCount = await hub.auditLog.countThrough(tenantId, lastPruned.seq);
    if (options.dryRun) return { ...base, pruned: prunedCount, anchor: { seq: lastPruned.seq, hash: lastPruned.hash } };
    // Pruning a tampered chain would destroy the evidence: refuse unless the chain verifies.
    const report = await verifyAudit(tenantId);
    if (!report.ok) {
      throw new CallsightError('CONFLICT', `The audit chain of tenant ${tenantId} is broken at seq ${report.firstBroken!.seq} (${report.firstBroken!.reason}); nothing was pruned.`);
    }
    const plan = preparePrune({ head, lastPruned, prunedCount, previousAnchor: await hub.auditLog.anchor(tenantId), cutoff, at: now.toISOString(), actor });
    const pruned = await hub.auditLog.prune(plan);
    return { ...base, pruned, anchor: { seq: plan.anchor.seq, hash: plan.anchor.hash } };
  };

  const streamBundle = (record: ExportRecord, calls: readonly Call[]): AsyncIterable<Uint8Array> => {
    const tenantId = record.tenantId;
    const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
    const entries = async function* (): AsyncGenerator<ZipEntrySource> {
      yield {
        path: 'export.json',
        compress: true,
        content: json({
          exportId: record.id,
          tenantId,
          requestedBy: record.requestedBy,
          reason: record.reason,
          filter: record.filter,
          callIds: record.callIds,
          requestedAt: record.createdAt,
          approvedBy: record.decidedBy,
          approvedAt: record.decidedAt,
          approvalNote: record.decisionNote,
          expiresAt: record.expiresAt,
        }),
      };
      for (const call of calls) {
        const location = call.recording && call.status !== 'deleted' ? { tenantId, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes } : null;
        const withAudio = location !== null && (await hub.audio.exists(location));
        yield { path: `calls/${call.id}/metadata.json`, compress: true, content: json({ ...call, audioIncluded: withAudio }) };
        if (withAudio) yield { path: `calls/${call.id}/audio.${call.recording!.format}`, content: hub.audio.read(location) };
        const transcript = await hub.transcripts.getTranscript(tenantId, call.id);
        if (transcript) yield { path: `calls/${call.id}/transcript.json`, compress: true, content: json(transcript) };
      }
    };
    return streamExportBundle({
      meta: {
        tenantId,
        exportId: record.id,
        requestedBy: record.requestedBy,
        approvedBy: record.decidedBy ?? '',
        createdAt: hub.clock.now().toISOString(),
        extra: { calls: calls.length, approvedAt: record.decidedAt ?? '' },
      },
      entries: entries(),
      key: manifestKey(hub, tenantId),
    });
  };

  const verifyBundle = async (path: string, tenantId?: string) => {
    const signed = await readBundleManifest(path);
    const claimed = typeof signed?.manifest?.meta?.tenantId === 'string' ? signed.manifest.meta.tenantId : null;
    const tenant = tenantId ?? claimed;
    const key = tenant && hub.keys.hasTenant(tenant) ? manifestKey(hub, tenant) : undefined;
    const result = await verifyExportBundle(path, (keyId) => (key && key.id === keyId ? key : undefined));
    return { ...result, tenantId: tenant };
  };

  return { exports, settings, definitions, auditRetention, exportLimits, verifyAudit, checkpointAudit, auditEvents, pruneAudit, streamBundle, verifyBundle };
}

/**
 * Access control around the call API (issue 3): the audit trail API, two-person export approval, tenant
 * settings, and a daily prune of audit events past their retention (with workers on).
 */
export const accessCapability: CapabilityFactory = (hub: Hub): Capability => {
  const services = createAccessServices(hub);
  let timer: NodeJS.Timeout | undefined;

  const pruneAll = async () => {
    for (const tenant of await hub.calls.listTenants()) {
      try {
        await services.pruneAudit(tenant.id, 'system:audit-retention');
      } catch (error) {
        // One tenant's broken chain must not stop the others; the code says why, never data.
        process.stderr.write(`audit prune skipped for a tenant: ${(error as CallsightError).code ?? 'INTERNAL'}\n`);
      }
    }
  };

  return {
    name: 'access',
    plugins: [
      auditRoutes({
        query: (tenantId, query) => hub.auditLog.query(tenantId, query),
        verify: (tenantId) => services.verifyAudit(tenantId),
      }),
      exportsRoutes({
        calls: hub.calls,
        clock: hub.clock,
        newId: () => hub.ids.newId('exp'),
        limits: (tenantId) => services.exportLimits(tenantId),
        create: (input) => services.exports.create(input),
        get: (tenantId, id) => services.exports.get(tenantId, id),
        list: (tenantId, options) => services.exports.list(tenantId, options),
        decide: (tenantId, id, decision) => services.exports.decide(tenantId, id, decision),
        recordDownload: (tenantId, id, at) => services.exports.recordDownload(tenantId, id, at),
        streamBundle: (record, calls) => services.streamBundle(record, calls),
      }),
      settingsRoutes({
        definitions: services.definitions,
        get: (tenantId, key) => services.settings.get(tenantId, key),
        put: (tenantId, key, value, actor) => services.settings.put({ tenantId, key, value, updatedBy: actor.userId, updatedAt: hub.clock.now().toISOString() }),
      }),
    ],
    start() {
      const run = () => void pruneAll();
      timer = setInterval(run, DAY_MS);
      timer.unref();
      setTimeout(run, 60_000).unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
    },
  };
};

/** Writes an audit export as JSON lines: a header, the events of the range, and the signed checkpoint last. */
export async function writeAuditExport(
  services: AccessServices,
  hub: Hub,
  options: { tenantId: string; from?: string; to?: string; out: NodeJS.WritableStream },
): Promise<{ events: number; checkpoint: SignedCheckpoint }> {
  const { tenantId, from, to, out } = options;
  if (!hub.keys.hasTenant(tenantId)) throw new CallsightError('NOT_FOUND', `Tenant "${tenantId}" has no keys on this hub`);
  await hub.audit({ tenantId, actor: 'cli', role: null, action: 'export_audit', target: 'audit:chain', outcome: 'allowed', details: { ...(from ? { from } : {}), ...(to ? { to } : {}) } });
  const checkpoint = await services.checkpointAudit(tenantId);
  const write = async (line: unknown) => {
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
  };
  await write({ type: 'header', format: 'callsight-audit-export', version: 1, tenantId, from: from ?? null, to: to ?? null, exportedAt: checkpoint.at });
  let events = 0;
  for await (const event of services.auditEvents(tenantId, { ...(from ? { from } : {}), ...(to ? { to } : {}) })) {
    await write({ type: 'event', event });
    events++;
  }
  await write({ type: 'checkpoint', checkpoint });
  return { events, checkpoint };
}
