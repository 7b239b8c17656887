import * as z from 'zod/mini';
import { listCallsQuerySchema, type CallPage, type ListCallsQuery } from '../../core/api/calls.api';
import type { FlagCode } from '../../core/analysis/risk/risk.score';
import type { CallFilter } from '../../core/recordings/call-repository.port';
import type { Actor } from '../shared/actor';
import { defineUseCase } from '../shared/use-case';
import { tenantPhoneFilter } from '../tenants/tenants.ports';
import { callScope, maskOf } from './calls.access';
import type { CallsPorts } from './calls.ports';
import { agentNamesOf, toCallView } from './calls.views';

type ListDeps = Pick<CallsPorts, 'calls' | 'transcripts'>;

const PAGING_KEYS = new Set(['limit', 'cursor', 'q', 'speaker', 'sort']);

/** Every risk flag code analysis writes (core/analysis/risk/risk.score.ts), the values `flag` may take. */
export const CALL_FLAG_CODES = [
  'SENSITIVE_WORD',
  'MISSING_SCRIPT',
  'PII_PRESENT',
  'CUSTOMER_AGITATED',
  'DURATION_ABNORMAL',
  'HIGH_INTERRUPTION',
  'KNOWLEDGE_CONTRADICTION',
] as const satisfies readonly FlagCode[];
// Fails to compile when core adds a flag code this list lacks.
const everyFlagListed: Exclude<FlagCode, (typeof CALL_FLAG_CODES)[number]> extends never ? true : false = true;
void everyFlagListed;
const FLAG_CODES: ReadonlySet<string> = new Set(CALL_FLAG_CODES);

/**
 * The list query with `flag` limited to the known flag codes: an unknown value (`flag=NOPE`) is a mistake to
 * report (400), not a filter that silently matches nothing.
 */
const listCallsInput = listCallsQuerySchema.check(
  z.refine((query: ListCallsQuery) => query.flag === undefined || FLAG_CODES.has(query.flag), {
    message: `must be one of ${CALL_FLAG_CODES.join(', ')}`,
    path: ['flag'],
  }),
);

/** The names of the filters a query sets (for the audit trail: which, never their values). */
function filterNames(query: ListCallsQuery): string[] {
  return Object.entries(query)
    .filter(([key, value]) => !PAGING_KEYS.has(key) && value !== undefined)
    .map(([key]) => key);
}

/**
 * Lists and searches calls (`GET /api/v1/calls`): filters, transcript keywords `q` with highlighted hits, sorted by
 * time or relevance, one page at a time. The reader's scope is applied inside the query, so a call out of reach
 * is never counted, paged or returned; phone numbers are masked for masked roles, whose hits carry timestamps
 * without snippet text. `customerPhone` is read in the tenant's default region (VALIDATION_FAILED when it is
 * not a number) and `flag` must be a known flag code (CALL_FLAG_CODES). The audit event names the filters used, never
 * their values.
 */
export const listCalls = defineUseCase({
  name: 'calls.list-calls',
  action: 'list',
  permission: 'list',
  forbidden: 'Your role may not list calls',
  input: listCallsInput,
  invalidInput: 'Invalid query',
  async run({ deps, actor, input }: { deps: ListDeps; actor: Actor; input: ListCallsQuery }): Promise<CallPage> {
    const { limit, cursor, customerPhone, q, speaker, sort, ...rest } = input;
    const filter: CallFilter = {
      ...rest,
      ...(customerPhone !== undefined ? { customerPhone: await tenantPhoneFilter(deps.calls, actor.tenantId, customerPhone) } : {}),
    };
    const page = await deps.calls.searchCalls(
      actor.tenantId,
      { filter, sort, ...(q !== undefined ? { q } : {}), ...(speaker ? { speaker } : {}) },
      callScope(actor, 'list'),
      { limit, ...(cursor ? { cursor } : {}) },
    );
    const names = agentNamesOf(await deps.calls.listAgents(actor.tenantId));
    const screening = await deps.transcripts.screening(actor.tenantId, page.items.map((item) => item.call.id));
    const mask = maskOf(actor);
    // Masked roles see snippets only through the transcript route's redaction, so they get timestamps without text.
    const showSnippets = mask === 'none';
    return {
      items: page.items.map(({ call, hits }) => ({
        ...toCallView(call, mask, names, screening.get(call.id)),
        ...(q !== undefined
          ? { hits: hits.map((h) => ({ segment: h.segment, speaker: h.speaker, startS: h.startS, snippet: showSnippets ? h.snippet : null })) }
          : {}),
      })),
      nextCursor: page.nextCursor,
    };
  },
  audited: (output, input) => ({
    details: {
      returned: output.items.length,
      filters: filterNames(input),
      ...(input.q !== undefined ? { keywordSearch: true, sort: input.sort } : {}),
    },
  }),
});
