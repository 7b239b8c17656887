import { join } from 'node:path';
import { z } from 'zod';
import { CallsightError, isCallsightError } from '../../core/shared/errors';
import type { Role } from '../../core/access/access.policy';
import { classifyStatus, type Call, type Tenant } from '../../core/recordings/call';
import { normalizePhone } from '../../core/recordings/phone';
import {
  buildHoldIndex,
  buildPreset,
  compileRetentionPolicy,
  createRetentionPlanner,
  parseLegalHold,
  parseRetentionPolicy,
  ruleMatchSchema,
  type CompiledPolicy,
  type HoldIndex,
  type IndustryPreset,
  type LegalHold,
  type PresetOptions,
  type RetentionDecision,
  type RetentionPlan,
  type RetentionPolicy,
  type RetentionSubject,
} from '../../core/retention';
import { DAY_MS } from '../../core/retention/keep-days';
import { EncryptedFsAudioStore } from '../../adapters/blob/encrypted-fs';
import { ShredJournal, type ShredEntry } from '../../adapters/backup';
import type { RetentionStore, Tombstone } from '../../core/retention/retention-store.port';
import { andThen } from '../../core/shared/awaitable';
import { retentionRoutes } from '../../adapters/http/routes/retention.routes';
import type { AuditEntry } from '../../adapters/http/http.deps';
import type { Capability, CapabilityFactory } from '../capabilities';
import type { Hub } from '../hub';

/** Actor recorded on what the scheduled or CLI sweep does. */
export const SWEEP_ACTOR = 'retention-sweep';
/** An archived call brought back for playback stays in the hot tier this long before a sweep archives it again. */
export const DEFAULT_THAW_DAYS = 30;
const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_MEDICAL_YEARS = 5;

export interface RetentionOptions {
  /** Root of the archive tier; default DATA_DIR/archive. */
  readonly archiveDir?: string;
  /** The deletion journal; default DATA_DIR/keys/shred-journal.db, beside the key store and outside the database. */
  readonly journalFile?: string;
  readonly thawDays?: number;
  /** Calls per sweep checkpoint. */
  readonly pageSize?: number;
  /** Time between scheduled sweeps; 0 turns the schedule off. Default one day. */
  readonly sweepIntervalMs?: number;
  /** Delay of the first scheduled sweep after start. Default one minute (or the interval, if shorter). */
  readonly firstSweepDelayMs?: number;
}

/** The environment settings of retention: RETENTION_SWEEP_INTERVAL_H (default 24, 0 = off) and ARCHIVE_DIR. */
export function retentionOptionsFromEnv(env: NodeJS.ProcessEnv): RetentionOptions {
  const parsed = z
    .object({
      RETENTION_SWEEP_INTERVAL_H: z.coerce.number().min(0).max(24 * 366).default(24),
      ARCHIVE_DIR: z.string().min(1).optional(),
    })
    .safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
  }
  return {
    sweepIntervalMs: parsed.data.RETENTION_SWEEP_INTERVAL_H * 3_600_000,
    ...(parsed.data.ARCHIVE_DIR ? { archiveDir: parsed.data.ARCHIVE_DIR } : {}),
  };
}

/** Who acts: an authenticated user, or the sweep. */
export interface RetentionActor {
  readonly userId: string;
  readonly role: Role | null;
}

export interface PolicyView {
  readonly tenantId: string;
  /** `preset`: the industry preset (never saved, or saved from a preset); `custom`: rules written by an admin. */
  readonly source: 'preset' | 'custom';
  readonly preset: IndustryPreset | null;
  /** 0 while the tenant runs on its industry's default preset; +1 on every saved change. */
  readonly version: number;
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
  readonly policy: RetentionPolicy;
}

export interface RetentionPlanView extends RetentionPlan {
  readonly tenantId: string;
  readonly policy: { readonly name: string; readonly source: 'preset' | 'custom'; readonly version: number };
}

export interface SweepOutcome {
  readonly tenantId: string;
  readonly sweepId: string;
  /** The instant every call of this sweep is decided at (kept across resumptions). */
  readonly decidedAt: string;
  readonly resumed: boolean;
  /** False when the sweep was interrupted; running it again resumes after its last checkpoint. */
  readonly completed: boolean;
  readonly processed: number;
  readonly counts: Readonly<Record<'keep' | 'archive' | 'delete' | 'held', number>>;
  /** Deletions left unfinished by an earlier interruption and completed first. */
  readonly completedPending: number;
}

export interface SweepControl {
  readonly signal?: AbortSignal;
  /** Called after each call with the calls done so far and the tenant's total. */
  readonly onProgress?: (processed: number, total: number) => void;
}

const storedPolicySchema = z.object({
  source: z.enum(['preset', 'custom']),
  preset: z.enum(['general', 'finance', 'medical', 'ecommerce', 'education']).nullable(),
  policy: z.unknown(),
});

const presetOptionsSchema = z
  .object({
    expiry: z.enum(['archive', 'delete']).optional(),
    misdialKeepDays: z.number().int().min(1).max(36_500).optional(),
    medicalYears: z.number().int().min(1).max(5).optional(),
    archiveAfterDays: z.number().int().min(1).max(36_500).nullable().optional(),
    promotionWindows: z.array(z.object({ from: z.string(), to: z.string(), name: z.string().max(200).optional() }).strict()).max(1000).optional(),
    refundEnrolmentKeywords: z.array(z.string().trim().min(1).max(200)).min(1).max(200).optional(),
  })
  .strict();

const presetInputSchema = z
  .object({ preset: z.enum(['general', 'finance', 'medical', 'ecommerce', 'education']), options: presetOptionsSchema.optional() })
  .strict();

const holdInputSchema = z
  .object({
    by: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('calls'), callIds: z.array(z.string()).min(1).max(1_000_000) }).strict(),
      z.object({ kind: z.literal('customer'), phone: z.string().min(1).max(64).optional(), crmId: z.string().min(1).max(200).optional() }).strict(),
      z.object({ kind: z.literal('agent'), agentId: z.string().min(1).max(200) }).strict(),
      z.object({ kind: z.literal('filter'), filter: ruleMatchSchema }).strict(),
    ]),
    reason: z.string(),
    expiresAt: z.string().nullable().optional(),
  })
  .strict();

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The retention lifecycle on one hub (issue 4): tenant policies, dry-run plans, the resumable sweep, legal holds,
 * the archive tier with thaw-on-play, and crypto-shredding deletions journalled outside the database.
 */
export class RetentionService {
  readonly store: RetentionStore;
  /** The archive tier: a second encrypted store over the same KeyVault. */
  readonly archive: EncryptedFsAudioStore;
  readonly journal: ShredJournal;
  private readonly thawDays: number;
  private readonly pageSize: number;
  private readonly sweeping = new Set<string>();

  constructor(
    private readonly hub: Hub,
    options: RetentionOptions = {},
  ) {
    this.store = hub.storage.retention;
    this.archive = new EncryptedFsAudioStore(options.archiveDir ?? join(hub.config.dataDir, 'archive'), hub.keys);
    this.journal = new ShredJournal(options.journalFile ?? join(hub.config.dataDir, 'keys', 'shred-journal.db'));
    this.thawDays = options.thawDays ?? DEFAULT_THAW_DAYS;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  // ---- policy ----

  /** The tenant's policy: the saved one, else the preset of its industry (medical: 5 years). */
  async policyView(tenantId: string): Promise<PolicyView> {
    const stored = await this.store.getPolicy(tenantId);
    if (stored) {
      const value = storedPolicySchema.parse(stored.policy);
      return {
        tenantId,
        source: value.source,
        preset: value.preset,
        version: stored.version,
        updatedBy: stored.updatedBy,
        updatedAt: stored.updatedAt,
        policy: parseRetentionPolicy(value.policy),
      };
    }
    const tenant = await this.tenant(tenantId);
    return { tenantId, source: 'preset', preset: tenant.industry, version: 0, updatedBy: null, updatedAt: null, policy: presetPolicy(tenant.industry) };
  }

  /**
   * Validates and saves a policy: either `{name, rules}` or `{preset, options?}` (a preset with its options, e.g.
   * ecommerce promotion windows or medical years). Throws VALIDATION_FAILED naming each problem; nothing is saved then.
   * Applies to every stored call from the next sweep on.
   */
  async savePolicy(tenantId: string, input: unknown, actor: RetentionActor): Promise<{ view: PolicyView; previousVersion: number }> {
    await this.tenant(tenantId);
    const previous = (await this.store.getPolicy(tenantId))?.version ?? 0;
    let value: z.infer<typeof storedPolicySchema>;
    const preset = presetInputSchema.safeParse(input);
    if (preset.success) {
      const options: PresetOptions = {
        ...(preset.data.preset === 'medical' ? { medicalYears: DEFAULT_MEDICAL_YEARS } : {}),
        ...(preset.data.options as PresetOptions | undefined),
      };
      value = { source: 'preset', preset: preset.data.preset, policy: buildPreset(preset.data.preset, options) };
    } else if (input !== null && typeof input === 'object' && 'preset' in input) {
      throw new CallsightError('VALIDATION_FAILED', `Retention preset rejected: ${preset.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}.`);
    } else {
      value = { source: 'custom', preset: null, policy: parseRetentionPolicy(input) };
    }
    const updatedAt = this.hub.clock.now().toISOString();
    await this.store.putPolicy(tenantId, value, actor.userId, updatedAt);
    return { view: await this.policyView(tenantId), previousVersion: previous };
  }

  // ---- plan and sweep ----

  /** Dry run: what a sweep at the hub clock's now would do to every stored call. Changes nothing. */
  async plan(tenantId: string, options: { readonly sampleLimit?: number } = {}): Promise<RetentionPlanView> {
    const view = await this.policyView(tenantId);
    const now = this.hub.clock.now();
    const compiled = compileRetentionPolicy(view.policy);
    const planner = createRetentionPlanner(compiled, await this.holdIndex(tenantId, now), now, { sampleLimit: options.sampleLimit ?? 50 });
    const thawed = await this.recentThaws(tenantId, now);
    for await (const call of this.store.iterateCalls(tenantId)) planner.add(this.subjectOf(call, thawed));
    return { tenantId, policy: { name: view.policy.name, source: view.source, version: view.version }, ...planner.result() };
  }

  /**
   * Applies the policy to every call of the tenant: archives and deletes what is due, never a held call. Resumable
   * and idempotent: it first finishes deletions an interruption left half done, then continues an unfinished sweep
   * after its last checkpoint with the same decision instant; every per-call step is idempotent, so calls redone
   * after an interruption end in the same state. Fails with CONFLICT while another sweep of the tenant runs here.
   */
  async sweep(tenantId: string, control: SweepControl = {}): Promise<SweepOutcome> {
    if (this.sweeping.has(tenantId)) throw new CallsightError('CONFLICT', 'A retention sweep is already running for this tenant');
    this.sweeping.add(tenantId);
    try {
      return await this.runSweep(tenantId, control);
    } catch (error) {
      await this.hub.audit({
        tenantId, actor: SWEEP_ACTOR, role: null, action: 'retention_sweep', target: null, outcome: 'error',
        reason: isCallsightError(error) ? error.code.toLowerCase() : 'internal',
      });
      throw error;
    } finally {
      this.sweeping.delete(tenantId);
    }
  }

  /** Sweeps every tenant in turn; a tenant whose sweep fails does not stop the others. */
  async sweepAll(control: SweepControl & { readonly onTenant?: (tenantId: string, total: number) => void } = {}): Promise<{ outcomes: SweepOutcome[]; failures: { tenantId: string; code: string }[] }> {
    const outcomes: SweepOutcome[] = [];
    const failures: { tenantId: string; code: string }[] = [];
    for (const tenant of await this.hub.calls.listTenants()) {
      if (control.signal?.aborted) break;
      control.onTenant?.(tenant.id, await this.store.countCalls(tenant.id));
      try {
        outcomes.push(await this.sweep(tenant.id, control));
      } catch (error) {
        failures.push({ tenantId: tenant.id, code: isCallsightError(error) ? error.code : 'INTERNAL' });
      }
    }
    return { outcomes, failures };
  }

  private async runSweep(tenantId: string, control: SweepControl): Promise<SweepOutcome> {
    const completedPending = await this.completePendingDeletions(tenantId);
    let record = await this.store.openSweep(tenantId);
    const resumed = record !== null;
    if (record === null) {
      const startedAt = this.hub.clock.now().toISOString();
      record = await this.store.startSweep(tenantId, this.hub.ids.newId('sweep'), startedAt, startedAt);
    }
    const now = new Date(record.decidedAt);
    const view = await this.policyView(tenantId);
    const compiled: CompiledPolicy = compileRetentionPolicy(view.policy);
    // Holds are read afresh on every run, so a hold placed while a sweep was interrupted is honoured.
    const planner = createRetentionPlanner(compiled, await this.holdIndex(tenantId, now), now, { sampleLimit: 0 });
    const thawed = await this.recentThaws(tenantId, now);
    const counts = { keep: 0, archive: 0, delete: 0, held: 0, ...record.counts };
    let processed = record.processed;
    let cursor = record.cursorId;
    const total = await this.store.countCalls(tenantId);
    const outcome = (completed: boolean): SweepOutcome => ({
      tenantId, sweepId: record!.id, decidedAt: record!.decidedAt, resumed, completed, processed, counts: { ...counts }, completedPending,
    });

    for (;;) {
      const page = await this.store.callsAfter(tenantId, cursor, this.pageSize);
      for (const call of page) {
        // Stop between calls, before the page is checkpointed: exactly what a killed process leaves behind.
        if (control.signal?.aborted) return outcome(false);
        const decision = planner.add(this.subjectOf(call, thawed));
        if (decision.action === 'delete') await this.shred(call, { basis: 'policy', ruleId: decision.ruleId, actor: SWEEP_ACTOR, role: null });
        else if (decision.action === 'archive') await this.archiveCall(call, decision);
        counts[decision.action]++;
        processed++;
        control.onProgress?.(processed, total);
      }
      if (page.length === 0) break;
      cursor = page[page.length - 1]!.id;
      await this.store.checkpointSweep(tenantId, record.id, cursor, processed, counts);
      if (page.length < this.pageSize) break;
    }
    const finishedAt = this.hub.clock.now().toISOString();
    await this.store.finishSweep(tenantId, record.id, finishedAt, processed, counts);
    await this.hub.audit({
      tenantId, actor: SWEEP_ACTOR, role: null, action: 'retention_sweep', target: `retention_sweep:${record.id}`, outcome: 'allowed',
      details: { decidedAt: record.decidedAt, processed, ...counts, policyVersion: view.version, resumed },
    });
    return outcome(true);
  }

  /** An archived call thawed recently counts as archived, so the sweep leaves it in the hot tier for thawDays. */
  private subjectOf(call: Call, thawed: ReadonlyMap<string, string>): RetentionSubject {
    return thawed.has(call.id) && call.status !== 'archived' && call.status !== 'deleted' ? { ...call, status: 'archived' } : call;
  }

  private async recentThaws(tenantId: string, now: Date): Promise<ReadonlyMap<string, string>> {
    return this.store.thawedSince(tenantId, iso(now.getTime() - this.thawDays * DAY_MS));
  }

  // ---- legal holds ----

  /** The holds in force at `now`, indexed. */
  async holdIndex(tenantId: string, now: Date): Promise<HoldIndex> {
    return buildHoldIndex(await this.store.unreleasedHolds(tenantId), now);
  }

  /**
   * Places a hold: `{by, reason, expiresAt?}`, by call ids, customer (phone in any common form, or CRM id), agent
   * or filter (rule criteria). The author is the actor. No cap on the number of holds.
   */
  async placeHold(tenantId: string, input: unknown, actor: RetentionActor): Promise<LegalHold> {
    const tenant = await this.tenant(tenantId);
    const parsed = holdInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new CallsightError('VALIDATION_FAILED', `Legal hold rejected: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}.`);
    }
    let by: unknown = parsed.data.by;
    if (parsed.data.by.kind === 'customer' && parsed.data.by.phone !== undefined) {
      const phone = normalizePhone(parsed.data.by.phone, tenant.defaultRegion);
      if (phone === null) throw new CallsightError('VALIDATION_FAILED', 'Legal hold rejected: by.phone: not a valid phone number.');
      by = { ...parsed.data.by, phone };
    }
    const hold = parseLegalHold({
      id: this.hub.ids.newId('hold'),
      tenantId,
      by,
      reason: parsed.data.reason,
      author: actor.userId,
      createdAt: this.hub.clock.now().toISOString(),
      ...(parsed.data.expiresAt != null ? { expiresAt: parsed.data.expiresAt } : {}),
    });
    await this.store.insertHold(hold);
    return hold;
  }

  /** Releases a hold; NOT_FOUND when absent, CONFLICT when already released. The next sweep may act on its calls. */
  async releaseHold(tenantId: string, holdId: string, actor: RetentionActor): Promise<LegalHold> {
    const hold = await this.store.getHold(tenantId, holdId);
    if (!hold) throw new CallsightError('NOT_FOUND', 'No legal hold with this id');
    if (!(await this.store.releaseHold(tenantId, holdId, actor.userId, this.hub.clock.now().toISOString()))) {
      throw new CallsightError('CONFLICT', 'This legal hold was already released');
    }
    return (await this.store.getHold(tenantId, holdId))!;
  }

  // ---- archive tier ----

  private async archiveCall(call: Call, decision: RetentionDecision): Promise<void> {
    if (!call.recording) return;
    const location = { tenantId: call.tenantId, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes };
    await this.hub.audio.moveTo(location, this.archive);
    const at = this.hub.clock.now().toISOString();
    // The callbacks run inside the store's transaction: they return the stores' results (synchronous on SQLite).
    await this.store.transitionStatus(call.tenantId, call.id, ['stored', 'misdial'], 'archived', () =>
      this.hub.auditLog.append({
        tenantId: call.tenantId, actor: SWEEP_ACTOR, role: null, action: 'retention_archive', target: `call:${call.id}`, outcome: 'allowed',
        reason: 'retention_rule', details: { ruleId: decision.ruleId, dueAt: decision.at }, at,
      }),
    );
  }

  /**
   * Brings an archived call's audio back to the hot store for someone allowed to play it, and returns the call as
   * it now is (status stored or misdial). A call the sweep had moved but not yet marked is repaired the same way.
   * Other calls are returned unchanged. The thaw is audited; the next sweeps leave it hot for thawDays.
   */
  async thawForPlay(call: Call, actor: RetentionActor): Promise<Call> {
    if (!call.recording || call.status === 'deleted') return call;
    const location = { tenantId: call.tenantId, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes };
    if (call.status !== 'archived' && ((await this.hub.audio.exists(location)) || !(await this.archive.exists(location)))) return call;
    await this.archive.moveTo(location, this.hub.audio);
    const status = classifyStatus(call.durationS);
    const at = this.hub.clock.now().toISOString();
    await this.store.transitionStatus(call.tenantId, call.id, ['archived', status], status, () =>
      andThen(this.store.recordThaw(call.tenantId, call.id, actor.userId, at), () =>
        this.hub.auditLog.append({
          tenantId: call.tenantId, actor: actor.userId, role: actor.role, action: 'retention_thaw', target: `call:${call.id}`, outcome: 'allowed', reason: 'played', at,
        }),
      ),
    );
    return { ...call, status };
  }

  // ---- deletion ----

  /**
   * An admin's deletion of one call (DELETE /api/v1/calls/:id): refused with LEGAL_HOLD while a hold is in force,
   * RECORDING_GONE when already deleted; otherwise the same crypto-shredding path as the sweep. The deletion
   * certificate in the audit chain is the one audit event of a successful request.
   */
  async deleteCall(call: Call, actor: RetentionActor): Promise<Tombstone> {
    if (call.status === 'deleted') throw new CallsightError('RECORDING_GONE', 'This call was already deleted');
    const holds = (await this.holdIndex(call.tenantId, this.hub.clock.now())).holdsFor(call);
    if (holds.length > 0) {
      throw new CallsightError('LEGAL_HOLD', 'This call is under a legal hold and cannot be deleted until the hold is released', {
        details: { holdIds: holds.map((h) => h.id) },
      });
    }
    return this.shred(call, { basis: 'admin', ruleId: null, actor: actor.userId, role: actor.role });
  }

  /**
   * Crypto-shreds a call: journals the deletion outside the database, destroys the data key, removes the audio
   * from the hot and archive stores, purges derived data, then writes tombstone and certificate atomically.
   * Idempotent; a crash at any step is finished by the next sweep (completePendingDeletions).
   */
  private async shred(call: Call, how: { basis: 'policy' | 'admin'; ruleId: string | null; actor: string; role: Role | null }): Promise<Tombstone> {
    const existing = await this.store.getTombstone(call.tenantId, call.id);
    if (existing) return existing;
    const entry = this.journal.record({
      tenantId: call.tenantId,
      callId: call.id,
      keyId: call.recording?.keyId ?? null,
      audioSha256: call.recording?.sha256 ?? null,
      ruleId: how.ruleId,
      basis: how.basis,
      actor: how.actor,
      role: how.role,
      requestedAt: this.hub.clock.now().toISOString(),
    });
    await this.completeDeletion(entry, 'live');
    return (await this.store.getTombstone(call.tenantId, call.id))!;
  }

  /** Finishes every journalled deletion of the tenant (or all tenants) that an interruption left half done. */
  async completePendingDeletions(tenantId?: string): Promise<number> {
    const pending = this.journal.pending(tenantId);
    for (const entry of pending) await this.completeDeletion(entry, 'live');
    return pending.length;
  }

  /**
   * Applies one journalled deletion to the current data: key destroyed, files removed, derived data purged,
   * tombstone and certificate written when the call row exists and has none yet. `restore` marks certificates
   * written again after a restore brought back an older database.
   */
  async completeDeletion(entry: ShredEntry, mode: 'live' | 'restore'): Promise<boolean> {
    const location = { tenantId: entry.tenantId, recordingId: entry.callId, keyId: entry.keyId ?? '', bytes: 0 };
    if (entry.keyId !== null) await this.hub.audio.discard(location);
    else await this.hub.audio.remove(location);
    await this.archive.remove(location);
    await this.hub.purgeDerived(entry.tenantId, entry.callId);
    let certified = false;
    const call = await this.hub.calls.getCall(entry.tenantId, entry.callId, { kind: 'all' });
    if (call) {
      const deletedAt = entry.requestedAt;
      const at = this.hub.clock.now().toISOString();
      certified = await this.store.finalizeDeletion(
        { tenantId: entry.tenantId, callId: entry.callId, deletedAt, ruleId: entry.ruleId, basis: entry.basis, actor: entry.actor, audioSha256: entry.audioSha256 },
        () => this.hub.auditLog.append({ ...deletionCertificate(entry, mode), at }),
      );
    }
    this.journal.complete(entry.tenantId, entry.callId, this.hub.clock.now().toISOString());
    return certified;
  }

  close(): void {
    this.journal.close();
  }

  private async tenant(tenantId: string): Promise<Tenant> {
    const tenant = await this.hub.calls.getTenant(tenantId);
    if (!tenant) throw new CallsightError('NOT_FOUND', 'Tenant is not configured on this hub');
    return tenant;
  }
}

/** The deletion certificate: what was destroyed, when, why and by whom; no key material, no personal data. */
function deletionCertificate(entry: ShredEntry, mode: 'live' | 'restore'): AuditEntry {
  return {
    tenantId: entry.tenantId,
    actor: entry.actor,
    role: entry.role as Role | null,
    action: entry.basis === 'admin' ? 'delete' : 'retention_delete',
    target: `call:${entry.callId}`,
    outcome: 'allowed',
    reason: mode === 'restore' ? 'reapplied_after_restore' : entry.basis === 'admin' ? 'admin_request' : 'retention_rule',
    details: {
      certificate: 'deletion',
      deletedAt: entry.requestedAt,
      ruleId: entry.ruleId,
      audioSha256: entry.audioSha256,
      dataKey: entry.keyId === null ? 'none' : 'destroyed',
      audio: 'removed',
      archive: 'removed',
      derived: 'purged',
    },
  };
}

/** The default policy of an industry: its preset (medical with 5 years, the longest of 1-5). */
export function presetPolicy(industry: IndustryPreset): RetentionPolicy {
  return buildPreset(industry, industry === 'medical' ? { medicalYears: DEFAULT_MEDICAL_YEARS } : {});
}

/** The retention capability, with the function the playback route calls before reading audio. */
export interface RetentionCapability extends Capability {
  readonly service: RetentionService;
  /** Thaw-on-play: call it after the play authorisation and before reading the audio; play the call it returns. */
  beforePlay(call: Call, actor: RetentionActor): Promise<Call>;
  /** Runs one sweep of every tenant now (what the schedule does). */
  sweepNow(): Promise<void>;
}

export function createRetentionCapability(options: RetentionOptions = {}): CapabilityFactory {
  return (hub: Hub): RetentionCapability => {
    const service = new RetentionService(hub, options);
    const intervalMs = options.sweepIntervalMs ?? 24 * 3_600_000;
    let timer: NodeJS.Timeout | null = null;
    let controller: AbortController | null = null;
    let running: Promise<void> | null = null;
    let started = false;

    const sweepNow = async () => {
      controller = new AbortController();
      running = service.sweepAll({ signal: controller.signal }).then(
        () => undefined,
        () => undefined, // each tenant's failure is already in its audit chain; the next tick retries and resumes
      );
      await running;
      running = null;
    };
    const schedule = (delayMs: number) => {
      timer = setTimeout(() => {
        void sweepNow().finally(() => {
          if (started) schedule(intervalMs);
        });
      }, delayMs);
      timer.unref();
    };

    return {
      name: 'retention',
      service,
      plugins: [
        retentionRoutes({
          calls: hub.calls,
          clock: hub.clock,
          policyView: (tenantId) => service.policyView(tenantId),
          savePolicy: (tenantId, input, actor) => service.savePolicy(tenantId, input, actor),
          plan: (tenantId, o) => service.plan(tenantId, o),
          placeHold: (tenantId, input, actor) => service.placeHold(tenantId, input, actor),
          releaseHold: (tenantId, holdId, actor) => service.releaseHold(tenantId, holdId, actor),
          listHolds: async (tenantId, q) => service.store.listHolds(tenantId, q),
          deleteCall: (call, actor) => service.deleteCall(call, actor),
        }),
      ],
      beforePlay: (call, actor) => service.thawForPlay(call, { userId: actor.userId, role: actor.role }),
      sweepNow,
      start() {
        if (started || intervalMs <= 0) return;
        started = true;
        schedule(Math.min(options.firstSweepDelayMs ?? 60_000, intervalMs));
      },
      async stop() {
        started = false;
        if (timer) clearTimeout(timer);
        controller?.abort();
        await running;
        service.close();
      },
    };
  };
}

/** The capability with settings from the environment (RETENTION_SWEEP_INTERVAL_H, ARCHIVE_DIR). */
export const retentionCapability: CapabilityFactory = (hub) => createRetentionCapability(retentionOptionsFromEnv(process.env))(hub);
