import { z } from 'zod';
import type { CallStatus, Channel, Direction } from '../recordings/call';
import { MISDIAL_THRESHOLD_S } from '../recordings/call';
import { CallsightError } from '../shared/errors';
import { DAY_MS } from '../shared/time';
import { parseInput } from '../shared/validation';

/**
 * Retention policies (DOMAIN R-STO-1, R-STO-2, R-CAP-6). A policy is an ordered list of rules; a rule matches
 * a call when every criterion it sets holds (AND), and a list criterion holds when any of its values matches
 * (OR). Text values (tags, inquiry types, teams, queues) compare after NFKC, trim and lower-casing.
 */

/** A window of `startedAt`. Date-only values cover whole UTC days: `to: '2024-11-11'` includes the 11th. Instants: from inclusive, to exclusive. */
export interface DateWindow {
  readonly from: string;
  readonly to: string;
  readonly name?: string;
}

export interface RuleMatch {
  readonly tags?: readonly string[];
  readonly inquiryTypes?: readonly string[];
  readonly directions?: readonly Direction[];
  readonly channels?: readonly Channel[];
  /** The team of the call's agent. */
  readonly teams?: readonly string[];
  readonly queues?: readonly string[];
  readonly agentIds?: readonly string[];
  /** Any of these windows. */
  readonly startedWithin?: readonly DateWindow[];
  /** Seconds; min inclusive, max exclusive. */
  readonly durationS?: { readonly min?: number; readonly max?: number };
  /** true: only misdials (under 5 s or status misdial); false: only real calls; absent: both. */
  readonly misdial?: boolean;
}

export type ExpiryAction = 'archive' | 'delete';

export interface RetentionRule {
  /** Stable id, recorded in decisions, plans, tombstones and audit events. */
  readonly id: string;
  readonly description?: string;
  /** Empty or absent criteria match every call. */
  readonly match: RuleMatch;
  /** Whole days the recording is kept at least, counted from startedAt. */
  readonly keepDays: number;
  /** What happens after keepDays: `archive` keeps it indefinitely in the archive tier; `delete` destroys it. */
  readonly then: ExpiryAction;
  /** Only with `then: 'delete'`: move to the archive tier after this many days (< keepDays), delete after keepDays. */
  readonly archiveAfterDays?: number;
}

export interface RetentionPolicy {
  readonly name: string;
  readonly rules: readonly RetentionRule[];
}

/** The facts of a call that retention and legal holds read; a Call plus its agent's team satisfies it. */
export interface RetentionSubject {
  readonly id: string;
  readonly tenantId: string;
  readonly startedAt: string;
  readonly durationS: number;
  readonly status: CallStatus;
  readonly direction: Direction;
  readonly channel: Channel;
  readonly tags: readonly string[];
  readonly inquiryType: string | null;
  readonly agentId: string | null;
  readonly queue: string | null;
  readonly customerPhone: string | null;
  readonly crmLinks: readonly { readonly id: string }[];
  readonly team?: string | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_DAYS = 36_500;

const text = z.string().trim().min(1, 'must not be empty').max(200);
const textList = z.array(text).min(1, 'must list at least one value (omit the field to match everything)').max(10_000);
const dateOrInstant = z
  .string()
  .refine((s) => (ISO_DATE.test(s) || ISO_INSTANT.test(s)) && !Number.isNaN(Date.parse(s)), 'must be a date (2024-11-11) or an ISO-8601 instant');

const windowSchema = z
  .object({ from: dateOrInstant, to: dateOrInstant, name: z.string().max(200).optional() })
  .refine((w) => windowStartMs(w.from) < windowEndMs(w.to), { message: 'from must be before to', path: ['to'] });

export const ruleMatchSchema = z
  .object({
    tags: textList.optional(),
    inquiryTypes: textList.optional(),
    directions: z.array(z.enum(['inbound', 'outbound'])).min(1).optional(),
    channels: z.array(z.enum(['human', 'ivr'])).min(1).optional(),
    teams: textList.optional(),
    queues: textList.optional(),
    agentIds: textList.optional(),
    startedWithin: z.array(windowSchema).min(1).max(1000).optional(),
    durationS: z
      .object({ min: z.number().nonnegative().optional(), max: z.number().positive().optional() })
      .strict()
      .refine((d) => d.min === undefined || d.max === undefined || d.min < d.max, { message: 'min must be below max', path: ['max'] })
      .optional(),
    misdial: z.boolean().optional(),
  })
  .strict();

const days = (what: string) => z.number().int(`${what} must be a whole number of days`).min(1, `${what} must be at least 1`).max(MAX_DAYS, `${what} must be at most ${MAX_DAYS}`);

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 characters of a-z, 0-9, ".", "_" or "-"'),
    description: z.string().max(500).optional(),
    match: ruleMatchSchema,
    keepDays: days('keepDays'),
    then: z.enum(['archive', 'delete']),
    archiveAfterDays: days('archiveAfterDays').optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.archiveAfterDays === undefined) return;
    if (rule.then === 'archive') ctx.addIssue({ code: 'custom', path: ['archiveAfterDays'], message: "only applies to then: 'delete'; with then: 'archive' the call is archived after keepDays" });
    else if (rule.archiveAfterDays >= rule.keepDays) ctx.addIssue({ code: 'custom', path: ['archiveAfterDays'], message: 'must be less than keepDays' });
  });

export const retentionPolicySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    rules: z.array(ruleSchema).min(1, 'a policy needs at least one rule').max(1000),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicates rule id "${rule.id}"` });
      seen.add(rule.id);
    });
  });

/**
 * Parses and validates a policy from untrusted input (API body, settings file). Throws VALIDATION_FAILED whose
 * message names each problem by path and whose details carry the list.
 */
export function parseRetentionPolicy(input: unknown): RetentionPolicy {
  return parseInput(retentionPolicySchema, input, 'Retention policy rejected') as RetentionPolicy;
}

export function windowStartMs(value: string): number {
  return ISO_DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}

/** Exclusive end: a date-only `to` ends at the following UTC midnight. */
export function windowEndMs(value: string): number {
  return ISO_DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) + DAY_MS : Date.parse(value);
}

/** True when the call counts as a misdial (R-CAP-6). */
export function isMisdial(call: Pick<RetentionSubject, 'status' | 'durationS'>): boolean {
  return call.status === 'misdial' || call.durationS < MISDIAL_THRESHOLD_S;
}

// ---- compiled form: what decideRetention evaluates per call ----

/** Normalises text for matching; cached because tags repeat across millions of calls. */
export class TextNormalizer {
  private cache = new Map<string, string>();
  normalize(value: string): string {
    let out = this.cache.get(value);
    if (out === undefined) {
      out = value.normalize('NFKC').trim().toLowerCase();
      if (this.cache.size >= 50_000) this.cache.clear();
      this.cache.set(value, out);
    }
    return out;
  }
}

export interface CompiledMatch {
  readonly tags?: ReadonlySet<string>;
  readonly inquiryTypes?: ReadonlySet<string>;
  readonly directions?: ReadonlySet<string>;
  readonly channels?: ReadonlySet<string>;
  readonly teams?: ReadonlySet<string>;
  readonly queues?: ReadonlySet<string>;
  readonly agentIds?: ReadonlySet<string>;
  readonly windows?: readonly (readonly [number, number])[];
  readonly minS?: number;
  readonly maxS?: number;
  readonly misdial?: boolean;
}

export function compileMatch(match: RuleMatch, norm: TextNormalizer): CompiledMatch {
  const set = (values: readonly string[] | undefined, normalize: boolean) =>
    values === undefined ? undefined : new Set(values.map((v) => (normalize ? norm.normalize(v) : v)));
  return {
    tags: set(match.tags, true),
    inquiryTypes: set(match.inquiryTypes, true),
    directions: set(match.directions, false),
    channels: set(match.channels, false),
    teams: set(match.teams, true),
    queues: set(match.queues, true),
    agentIds: set(match.agentIds, false),
    windows: match.startedWithin?.map((w) => [windowStartMs(w.from), windowEndMs(w.to)] as const),
    minS: match.durationS?.min,
    maxS: match.durationS?.max,
    misdial: match.misdial,
  };
}

/** The call's facts in the form matching reads, computed once per call. */
export interface SubjectFacts {
  readonly startedMs: number;
  readonly misdial: boolean;
  readonly tags: readonly string[];
  readonly inquiryType: string | null;
  readonly team: string | null;
  readonly queue: string | null;
}

export function factsOf(call: RetentionSubject, norm: TextNormalizer): SubjectFacts {
  const startedMs = Date.parse(call.startedAt);
  if (Number.isNaN(startedMs)) throw new CallsightError('VALIDATION_FAILED', `Call ${call.id} has no valid startedAt; retention cannot be decided.`);
  if (!Number.isFinite(call.durationS)) throw new CallsightError('VALIDATION_FAILED', `Call ${call.id} has no valid durationS; retention cannot be decided.`);
  return {
    startedMs,
    misdial: isMisdial(call),
    tags: call.tags.map((t) => norm.normalize(t)),
    inquiryType: call.inquiryType === null ? null : norm.normalize(call.inquiryType),
    team: call.team == null ? null : norm.normalize(call.team),
    queue: call.queue === null ? null : norm.normalize(call.queue),
  };
}

/** True when every criterion the match sets holds for the call. */
export function matchesFacts(m: CompiledMatch, call: RetentionSubject, f: SubjectFacts): boolean {
  if (m.misdial !== undefined && m.misdial !== f.misdial) return false;
  if (m.directions && !m.directions.has(call.direction)) return false;
  if (m.channels && !m.channels.has(call.channel)) return false;
  if (m.minS !== undefined && call.durationS < m.minS) return false;
  if (m.maxS !== undefined && call.durationS >= m.maxS) return false;
  if (m.inquiryTypes && (f.inquiryType === null || !m.inquiryTypes.has(f.inquiryType))) return false;
  if (m.teams && (f.team === null || !m.teams.has(f.team))) return false;
  if (m.queues && (f.queue === null || !m.queues.has(f.queue))) return false;
  if (m.agentIds && (call.agentId === null || !m.agentIds.has(call.agentId))) return false;
  if (m.tags) {
    let any = false;
    for (const t of f.tags) {
      if (m.tags.has(t)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  if (m.windows) {
    let inside = false;
    for (const [from, to] of m.windows) {
      if (f.startedMs >= from && f.startedMs < to) {
        inside = true;
        break;
      }
    }
    if (!inside) return false;
  }
  return true;
}
