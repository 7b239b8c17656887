import { z } from 'zod';
import { CallsightError } from '../shared/errors';
import { DAY_MS } from '../shared/time';
import { parseInput } from '../shared/validation';
import {
  compileMatch,
  factsOf,
  matchesFacts,
  ruleMatchSchema,
  TextNormalizer,
  type CompiledMatch,
  type RetentionSubject,
  type RuleMatch,
  type SubjectFacts,
} from './retention.policy';

/**
 * Legal holds (R-STO-2): a held call is never archived or deleted, whatever the policy says. There is no cap on
 * the number of holds; `buildHoldIndex` makes checking a call cost about the same for 10 holds or 100,000.
 */
export type HoldSelector =
  | { readonly kind: 'calls'; readonly callIds: readonly string[] }
  /** A customer by E.164 phone and/or CRM record id (any of the call's CRM links). */
  | { readonly kind: 'customer'; readonly phone?: string; readonly crmId?: string }
  | { readonly kind: 'agent'; readonly agentId: string }
  /** The same criteria as a retention rule. */
  | { readonly kind: 'filter'; readonly filter: RuleMatch };

export interface LegalHold {
  readonly id: string;
  readonly tenantId: string;
  readonly by: HoldSelector;
  readonly reason: string;
  /** User id of whoever placed it. */
  readonly author: string;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  /** ISO-8601 UTC; the hold lapses at this instant. */
  readonly expiresAt?: string | null;
  /** ISO-8601 UTC; set when released. A hold is never deleted, so the history stays auditable. */
  readonly releasedAt?: string | null;
  readonly releasedBy?: string | null;
}

const instant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 instant');
const id = z.string().trim().min(1).max(200);

const selectorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('calls'), callIds: z.array(id).min(1, 'must list at least one call id').max(1_000_000) }).strict(),
  z
    .object({
      kind: z.literal('customer'),
      phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613812345678').optional(),
      crmId: id.optional(),
    })
    .strict()
    .refine((c) => c.phone !== undefined || c.crmId !== undefined, 'a customer hold needs a phone or a crmId'),
  z.object({ kind: z.literal('agent'), agentId: id }).strict(),
  z
    .object({ kind: z.literal('filter'), filter: ruleMatchSchema })
    .strict()
    .refine((f) => Object.values(f.filter).some((v) => v !== undefined), 'a filter hold needs at least one criterion (it would hold every call)'),
]);

export const legalHoldSchema = z
  .object({
    id,
    tenantId: id,
    by: selectorSchema,
    reason: z.string().trim().min(1, 'a hold needs a reason').max(2000),
    author: id,
    createdAt: instant,
    expiresAt: instant.nullable().optional(),
    releasedAt: instant.nullable().optional(),
    releasedBy: id.nullable().optional(),
  })
  .strict()
  .refine((h) => h.expiresAt == null || Date.parse(h.expiresAt) > Date.parse(h.createdAt), { message: 'expiresAt must be after createdAt', path: ['expiresAt'] });

/** Parses a hold from untrusted input; throws VALIDATION_FAILED naming each problem (never echoing the phone). */
export function parseLegalHold(input: unknown): LegalHold {
  return parseInput(legalHoldSchema, input, 'Legal hold rejected') as LegalHold;
}

/** True when the hold is in force at `now`: not released and not expired (both as of now). */
export function isHoldActive(hold: LegalHold, now: Date): boolean {
  const t = now.getTime();
  if (hold.releasedAt != null && Date.parse(hold.releasedAt) <= t) return false;
  if (hold.expiresAt != null && Date.parse(hold.expiresAt) <= t) return false;
  return true;
}

/** Date-window holds covering at most this many days are indexed by day; wider ones are checked on every call. */
const MAX_INDEXED_WINDOW_DAYS = 400;

function coveredDays(windows: readonly (readonly [number, number])[]): number {
  return windows.reduce((sum, [from, to]) => sum + Math.ceil((to - from) / DAY_MS) + 1, 0);
}

interface IndexedHold {
  readonly hold: LegalHold;
  readonly filter?: CompiledMatch;
}

type Bucket = Map<string, IndexedHold[]>;

interface TenantHolds {
  readonly byCall: Bucket;
  readonly byPhone: Bucket;
  readonly byCrmId: Bucket;
  readonly byAgent: Bucket;
  /** Filter holds, each filed under the values of one list criterion it requires. */
  readonly filterByAgent: Bucket;
  readonly filterByTag: Bucket;
  readonly filterByType: Bucket;
  readonly filterByTeam: Bucket;
  readonly filterByQueue: Bucket;
  /** Filter holds with only short date windows, filed under each UTC day number the windows cover. */
  readonly filterByDay: Map<number, IndexedHold[]>;
  /** Filter holds with neither a list criterion nor short windows (e.g. duration only): checked against every call. */
  readonly filterOther: IndexedHold[];
  filterCount: number;
}

/**
 * Holds indexed by what they select (call id, phone, CRM id, agent, and a required value of filter holds), per
 * tenant, so finding a call's holds is a few map look-ups plus the filter holds that name none of those.
 * Only holds active at `now` are indexed; build one index per sweep.
 */
export interface HoldIndex {
  readonly now: Date;
  readonly size: number;
  /** Holds in force on the call, in index order (empty when none). */
  holdsFor(call: RetentionSubject, facts?: SubjectFacts): readonly LegalHold[];
}

export function buildHoldIndex(holds: Iterable<LegalHold>, now: Date): HoldIndex {
  const norm = new TextNormalizer();
  const tenants = new Map<string, TenantHolds>();
  let size = 0;
  const tenantOf = (tenantId: string): TenantHolds => {
    let t = tenants.get(tenantId);
    if (t === undefined) {
      t = {
        byCall: new Map(), byPhone: new Map(), byCrmId: new Map(), byAgent: new Map(), filterByAgent: new Map(),
        filterByTag: new Map(), filterByType: new Map(), filterByTeam: new Map(), filterByQueue: new Map(), filterByDay: new Map(), filterOther: [], filterCount: 0,
      };
      tenants.set(tenantId, t);
    }
    return t;
  };
  const file = <K,>(bucket: Map<K, IndexedHold[]>, key: K, entry: IndexedHold) => {
    const list = bucket.get(key);
    if (list === undefined) bucket.set(key, [entry]);
    else if (list[list.length - 1] !== entry) list.push(entry);
  };

  for (const hold of holds) {
    if (!isHoldActive(hold, now)) continue;
    size++;
    const t = tenantOf(hold.tenantId);
    const by = hold.by;
    switch (by.kind) {
      case 'calls':
        for (const callId of by.callIds) file(t.byCall, callId, { hold });
        break;
      case 'customer':
        if (by.phone !== undefined) file(t.byPhone, by.phone, { hold });
        if (by.crmId !== undefined) file(t.byCrmId, by.crmId, { hold });
        break;
      case 'agent':
        file(t.byAgent, by.agentId, { hold });
        break;
      case 'filter': {
        t.filterCount++;
        const entry = { hold, filter: compileMatch(by.filter, norm) };
        const f = entry.filter;
        // File under the criterion likely to be the most selective: one agent, then a short period, then labels.
        if (f.agentIds) for (const v of f.agentIds) file(t.filterByAgent, v, entry);
        else if (f.windows && coveredDays(f.windows) <= MAX_INDEXED_WINDOW_DAYS) {
          for (const [from, to] of f.windows) for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day++) file(t.filterByDay, day, entry);
        } else if (f.tags) for (const v of f.tags) file(t.filterByTag, v, entry);
        else if (f.inquiryTypes) for (const v of f.inquiryTypes) file(t.filterByType, v, entry);
        else if (f.teams) for (const v of f.teams) file(t.filterByTeam, v, entry);
        else if (f.queues) for (const v of f.queues) file(t.filterByQueue, v, entry);
        else t.filterOther.push(entry);
        break;
      }
    }
  }

  return {
    now,
    size,
    holdsFor(call, facts) {
      const t = tenants.get(call.tenantId);
      if (t === undefined) return [];
      const found: LegalHold[] = [];
      collect(found, t.byCall.get(call.id), call, undefined);
      if (call.customerPhone !== null) collect(found, t.byPhone.get(call.customerPhone), call, undefined);
      for (const link of call.crmLinks) collect(found, t.byCrmId.get(link.id), call, undefined);
      if (call.agentId !== null) collect(found, t.byAgent.get(call.agentId), call, undefined);
      if (t.filterCount > 0) {
        const f = facts ?? factsOf(call, norm);
        if (call.agentId !== null) collect(found, t.filterByAgent.get(call.agentId), call, f);
        collect(found, t.filterByDay.get(Math.floor(f.startedMs / DAY_MS)), call, f);
        for (const tag of f.tags) collect(found, t.filterByTag.get(tag), call, f);
        if (f.inquiryType !== null) collect(found, t.filterByType.get(f.inquiryType), call, f);
        if (f.team !== null) collect(found, t.filterByTeam.get(f.team), call, f);
        if (f.queue !== null) collect(found, t.filterByQueue.get(f.queue), call, f);
        collect(found, t.filterOther, call, f);
      }
      return found;
    },
  };
}

function collect(found: LegalHold[], list: readonly IndexedHold[] | undefined, call: RetentionSubject, facts: SubjectFacts | undefined): void {
  if (list === undefined) return;
  for (const entry of list) {
    if (entry.filter !== undefined && !matchesFacts(entry.filter, call, facts!)) continue;
    if (!found.includes(entry.hold)) found.push(entry.hold);
  }
}

/**
 * True when at least one hold in force at `now` covers the call. Pass a HoldIndex when checking many calls;
 * a plain list is indexed on each call (fine for one call, wasteful for a sweep).
 */
export function isHeld(call: RetentionSubject, holds: readonly LegalHold[] | HoldIndex, now: Date): boolean {
  return indexFor(holds, now).holdsFor(call).length > 0;
}

/** Returns `holds` as an index valid at `now`, reusing it when it already is one for the same instant. */
export function indexFor(holds: readonly LegalHold[] | HoldIndex, now: Date): HoldIndex {
  if (!Array.isArray(holds)) {
    const index = holds as HoldIndex;
    if (index.now.getTime() !== now.getTime()) throw new CallsightError('VALIDATION_FAILED', 'The hold index was built for a different instant than now; build one per sweep with buildHoldIndex(holds, now).');
    return index;
  }
  return buildHoldIndex(holds as readonly LegalHold[], now);
}
