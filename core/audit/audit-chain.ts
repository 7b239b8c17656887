import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import type { Role } from '../access/access.policy';
import { ROLES } from '../access/access.policy';
import { CallsightError } from '../shared/errors';
import { canonicalJson, type JsonValue } from './canonical-json';
import { bytesToHex, hexToBytes, SHA256_HEX, utf8ToBytes } from './digest';
import { validationError } from '../shared/validation';

/**
 * The audit trail (DOMAIN R-ACC-2, R-ACC-5): one append-only hash chain per tenant. Event n stores the hash of
 * event n-1 (`prevHash`) and its own `hash` = SHA-256(prevHash bytes || canonicalJson(event without `hash`)),
 * so deleting, changing or reordering any stored event breaks a link that `verifyChain` names.
 */

/** Actions the hub records; the policy actions plus the events around them. Other snake_case names are accepted. */
export const KNOWN_AUDIT_ACTIONS = [
  'list', 'view', 'play', 'download', 'view_transcript', 'request_export', 'approve_export', 'delete',
  'change_settings', 'view_audit', 'reject_export', 'download_export', 'issue_playback_url', 'token_rejected',
  'place_legal_hold', 'release_legal_hold', 'change_retention_policy', 'retention_archive', 'retention_delete',
  'export_audit', 'verify_audit', 'audit_pruned', 'backup', 'restore',
] as const;
export type AuditAction = (typeof KNOWN_AUDIT_ACTIONS)[number] | (string & {});

export type AuditOutcome = 'allowed' | 'denied' | 'error';

/** What the caller supplies; `seq`, `prevHash` and `hash` are assigned by `appendEvent`. */
export interface AuditEventInput {
  /** ISO-8601 UTC instant from the Clock port, e.g. 2025-03-01T08:00:00.000Z; stored and hashed as this exact string. */
  readonly at: string;
  readonly tenantId: string;
  /** User id, or null when nobody was authenticated (a rejected token). */
  readonly actor: string | null;
  readonly role: Role | null;
  readonly action: AuditAction;
  /** What was acted on, as `kind:id` (e.g. `call:c_123`, `export:e_9`, `settings:retention`), or null. */
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  /** A stable code such as an AccessReason; never personal data. */
  readonly reason?: string | null;
  /** Extra facts (counts, rule ids, digests); never phone numbers, transcript text, tokens or keys. */
  readonly details?: Readonly<Record<string, JsonValue>> | null;
}

export interface AuditEvent extends AuditEventInput {
  /** 1, 2, 3... per tenant, without gaps. */
  readonly seq: number;
  /** `hash` of the previous event, or GENESIS_HASH for seq 1. */
  readonly prevHash: string;
  readonly hash: string;
}

/** A position in a chain: the last event's seq and hash (seq 0 and GENESIS_HASH before the first event). */
export interface ChainLink {
  readonly seq: number;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
export const GENESIS: ChainLink = { seq: 0, hash: GENESIS_HASH };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const isoUtc = z.string().regex(ISO_UTC, 'must be an ISO-8601 UTC instant such as 2025-03-01T08:00:00.000Z').refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date');

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number().finite(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const inputSchema = z.object({
  at: isoUtc,
  tenantId: z.string().min(1).max(200),
  actor: z.string().min(1).max(200).nullable(),
  role: z.enum(ROLES).nullable(),
  action: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be snake_case, at most 64 characters'),
  target: z.string().min(1).max(500).nullable(),
  outcome: z.enum(['allowed', 'denied', 'error']),
  reason: z.string().min(1).max(200).nullable().optional(),
  details: z.record(z.string(), jsonValue).nullable().optional(),
});

/** The exact fields the hash covers; absent, null and undefined `reason`/`details` all hash as absent. */
function hashedFields(event: Omit<AuditEvent, 'hash'>): Record<string, unknown> {
  return {
    seq: event.seq,
    at: event.at,
    tenantId: event.tenantId,
    actor: event.actor,
    role: event.role,
    action: event.action,
    target: event.target,
    outcome: event.outcome,
    reason: event.reason ?? undefined,
    details: event.details ?? undefined,
    prevHash: event.prevHash,
  };
}

/** SHA-256(prevHash as 32 bytes || UTF-8 canonical JSON of the event without `hash`), lower-case hex. */
export function computeEventHash(event: Omit<AuditEvent, 'hash'>): string {
  if (!SHA256_HEX.test(event.prevHash)) throw new CallsightError('VALIDATION_FAILED', 'prevHash must be 64 lower-case hex characters.');
  return bytesToHex(sha256.create().update(hexToBytes(event.prevHash)).update(utf8ToBytes(canonicalJson(hashedFields(event)))).digest());
}

/**
 * Builds the next event of a tenant's chain after `prev` (the current last event, an anchor link, or null for
 * an empty chain). Pure: the storage layer must insert it atomically with a unique (tenantId, seq), so that two
 * concurrent appends cannot both succeed on the same head; the loser re-reads the head and appends again.
 * Throws VALIDATION_FAILED on malformed input or when `prev` belongs to another tenant.
 */
export function appendEvent(prev: AuditEvent | ChainLink | null, input: AuditEventInput): AuditEvent {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    throw validationError('Audit event rejected', parsed.error);
  }
  const link = prev ?? GENESIS;
  if ('tenantId' in link && link.tenantId !== input.tenantId) {
    throw new CallsightError('VALIDATION_FAILED', 'Audit event rejected: it must extend its own tenant\'s chain.');
  }
  if (!Number.isSafeInteger(link.seq) || link.seq < 0 || !SHA256_HEX.test(link.hash)) {
    throw new CallsightError('VALIDATION_FAILED', 'Audit event rejected: the previous link is malformed.');
  }
  const body: Omit<AuditEvent, 'hash'> = {
    seq: link.seq + 1,
    at: input.at,
    tenantId: input.tenantId,
    actor: input.actor,
    role: input.role,
    action: input.action,
    target: input.target,
    outcome: input.outcome,
    ...(input.reason != null ? { reason: input.reason } : {}),
    ...(input.details != null ? { details: input.details } : {}),
    prevHash: link.hash,
  };
  return { ...body, hash: computeEventHash(body) };
}

export type ChainBreakReason = 'hash_mismatch' | 'seq_gap' | 'prev_mismatch' | 'reordered' | 'anchor_unattested';

export interface ChainBreak {
  /** The first sequence number whose link does not hold (for a gap: the first missing seq). */
  readonly seq: number;
  readonly reason: ChainBreakReason;
}

export interface ChainVerification {
  readonly ok: boolean;
  /** Events whose links were verified before the first break (all of them when ok). */
  readonly checked: number;
  /** The last verified link: the head when ok, the last good event otherwise. */
  readonly head: ChainLink;
  readonly firstBroken?: ChainBreak;
}

export interface VerifyChainOptions {
  /**
   * Where the events start: GENESIS by default; after pruning, the stored anchor (last pruned seq and hash).
   * A start after genesis must be attested by an `audit_pruned` event in the verified events naming the same
   * seq and hash, unless `trustStart` is set (for verifying an exported range whose start the caller vouches for).
   */
  readonly start?: ChainLink;
  readonly trustStart?: boolean;
  /** A head known from a signed checkpoint: catches truncation and a wholesale recomputed chain. */
  readonly expectedHead?: ChainLink;
}

/**
 * Checks a tenant's chain, events in stored order (by seq), and names the first break:
 * - `hash_mismatch`: an event's columns no longer hash to its stored hash (any column changed, hash included);
 * - `seq_gap`: a seq is missing and never appears (event deleted, or the chain truncated before `expectedHead`);
 * - `reordered`: a seq appears out of order (events swapped, moved or duplicated);
 * - `prev_mismatch`: a self-consistent event that does not link to the event before it (forged or transplanted);
 * - `anchor_unattested`: the start anchor is not confirmed by an `audit_pruned` event.
 * Reads each event once and keeps O(1) state, so it streams over any number of events (sync or async iterable).
 */
export async function verifyChain(events: Iterable<AuditEvent> | AsyncIterable<AuditEvent>, options: VerifyChainOptions = {}): Promise<ChainVerification> {
  const verifier = new ChainVerifier(options);
  for await (const event of events) {
    if (!verifier.push(event)) break;
  }
  return verifier.finish();
}

/** The synchronous form of `verifyChain`, for events already in memory. */
export function verifyChainSync(events: Iterable<AuditEvent>, options: VerifyChainOptions = {}): ChainVerification {
  const verifier = new ChainVerifier(options);
  for (const event of events) {
    if (!verifier.push(event)) break;
  }
  return verifier.finish();
}

class ChainVerifier {
  private last: ChainLink;
  private checked = 0;
  private broken: ChainBreak | undefined;
  /** While classifying a seq jump: the missing range [from, to]; seeing any of it later means `reordered`. */
  private missing: { from: number; to: number } | undefined;
  private attested: boolean;
  private headHashSeen: string | undefined;

  constructor(private readonly options: VerifyChainOptions) {
    const start = options.start ?? GENESIS;
    if (!Number.isSafeInteger(start.seq) || start.seq < 0 || !SHA256_HEX.test(start.hash)) {
      throw new CallsightError('VALIDATION_FAILED', 'verifyChain: the start link must have a non-negative seq and a 64-hex hash.');
    }
    this.last = start;
    this.attested = start.seq === 0 || options.trustStart === true;
  }

  /** Returns false once the outcome is settled and further events cannot change it. */
  push(event: AuditEvent): boolean {
    if (this.missing !== undefined) {
      if (event.seq >= this.missing.from && event.seq <= this.missing.to) {
        this.broken = { seq: this.missing.from, reason: 'reordered' };
        this.missing = undefined;
        return false;
      }
      return true;
    }
    const expected = this.last.seq + 1;
    if (!this.hashHolds(event)) return this.fail(expected, 'hash_mismatch');
    if (event.seq !== expected) {
      if (event.seq < expected) return this.fail(expected, 'reordered');
      this.missing = { from: expected, to: event.seq - 1 };
      return true;
    }
    if (event.prevHash !== this.last.hash) return this.fail(expected, 'prev_mismatch');
    if (!this.attested && event.action === 'audit_pruned' && this.attests(event)) this.attested = true;
    if (this.options.expectedHead?.seq === event.seq) this.headHashSeen = event.hash;
    this.last = { seq: event.seq, hash: event.hash };
    this.checked++;
    return true;
  }

  finish(): ChainVerification {
    if (this.missing !== undefined) this.broken = { seq: this.missing.from, reason: 'seq_gap' };
    if (this.broken === undefined) this.broken = this.checkHead();
    if (this.broken === undefined && !this.attested) this.broken = { seq: (this.options.start ?? GENESIS).seq, reason: 'anchor_unattested' };
    return this.broken === undefined
      ? { ok: true, checked: this.checked, head: this.last }
      : { ok: false, checked: this.checked, head: this.last, firstBroken: this.broken };
  }

  private checkHead(): ChainBreak | undefined {
    const head = this.options.expectedHead;
    if (head === undefined) return undefined;
    if (this.last.seq < head.seq) return { seq: this.last.seq + 1, reason: 'seq_gap' };
    if (this.headHashSeen !== head.hash) return { seq: head.seq, reason: 'hash_mismatch' };
    return undefined;
  }

  private fail(seq: number, reason: ChainBreakReason): boolean {
    this.broken = { seq, reason };
    return false;
  }

  private hashHolds(event: AuditEvent): boolean {
    if (typeof event.hash !== 'string' || !SHA256_HEX.test(event.hash) || typeof event.prevHash !== 'string' || !SHA256_HEX.test(event.prevHash)) return false;
    try {
      return computeEventHash(event) === event.hash;
    } catch {
      // A column that canonical JSON cannot represent was not written by appendEvent: it was tampered with.
      return false;
    }
  }

  private attests(event: AuditEvent): boolean {
    const start = this.options.start ?? GENESIS;
    const details = event.details;
    return details != null && details['throughSeq'] === start.seq && details['throughHash'] === start.hash;
  }
}
