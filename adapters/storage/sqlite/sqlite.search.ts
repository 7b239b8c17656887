import type Database from 'better-sqlite3';
import { CallsightError } from '../../../core/shared/errors';
import type { Speaker, Transcript } from '../../../core/analysis/transcript.types';
import { buildSearchDocument, type SpeakerStreams } from '../../../core/search/search-document';
import type { QueryAlternative, SearchQuery } from '../../../core/search/search-query';
import type { Tokenizer } from '../../../core/search/tokenizer.port';
import { prepared } from './sqlite-statements';

/**
 * Token between two segments in the FTS text. A private-use character is a token character for FTS5's
 * unicode61 tokenizer but folds to nothing in our tokenizer, so no query term can equal it: a phrase can never
 * match across two utterances.
 */
export const SEGMENT_BREAK = '\uE000';

/** Slots per millisecond in the time key. */
const SLOTS_PER_MS = 1024;

/** The smallest doc_id of calls started at `instant` (ISO-8601); doc ids order like start times. */
export function timeKeyOf(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new CallsightError('VALIDATION_FAILED', 'startedAt: not an ISO-8601 instant');
  return ms * SLOTS_PER_MS;
}

/** The FTS5 text of one speaker's stream: segments' tokens space-joined, segments kept apart. */
export function ftsText(segments: readonly (readonly string[])[]): string {
  return segments.filter((s) => s.length > 0).map((s) => s.join(' ')).join(` ${SEGMENT_BREAK} `);
}

function quoteTerm(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

function ftsAlternative(alt: QueryAlternative, speaker: Speaker | undefined): string {
  const columns = (speaker ? [speaker] : (['agent', 'customer'] as const)).map((s) => `${s}_${alt.field}`);
  const phrase = alt.terms.map(quoteTerm).join(' + ');
  return `{${columns.join(' ')}} : ${phrase}${alt.prefix ? ' *' : ''}`;
}

/**
 * The FTS5 MATCH expression of a parsed query: clauses ANDed, each the OR of its alternatives; `meta` adds
 * required alternatives of meta tokens (each inner list is ORed).
 */
export function ftsQueryOf(query: SearchQuery, speaker?: Speaker, meta: readonly (readonly string[])[] = []): string {
  const clauses = query.clauses.map((c) => `(${c.alternatives.map((a) => ftsAlternative(a, speaker)).join(' OR ')})`);
  for (const anyOf of meta) clauses.push(`(${anyOf.map((t) => `meta : ${quoteTerm(t)}`).join(' OR ')})`);
  return clauses.join(' AND ');
}

export type MetaKind = 'ag' | 'tm' | 'qu' | 'iq';

/** One meta token: a kind prefix and the value's UTF-8 bytes in hex, a single unicode61 token whatever the value. */
export function metaToken(kind: MetaKind, value: string): string {
  return `${kind}${Buffer.from(value, 'utf8').toString('hex')}`;
}

/** The meta column text of a call. */
export function metaText(call: { agent_id: string | null; team: string | null; queue: string | null; inquiry_type: string | null }): string {
  const tokens: string[] = [];
  if (call.agent_id !== null) tokens.push(metaToken('ag', call.agent_id));
  if (call.team !== null) tokens.push(metaToken('tm', call.team));
  if (call.queue !== null) tokens.push(metaToken('qu', call.queue));
  if (call.inquiry_type !== null) tokens.push(metaToken('iq', call.inquiry_type));
  return tokens.join(' ');
}

/** bm25 column weights: words count fully, bigram matches (the recall fallback) a quarter, meta nothing. */
export const BM25_SQL = 'bm25(call_search_fts, 1.0, 1.0, 0.25, 0.25, 0.0)';

/** The FTS5 index of transcripts: one row per call, four columns (words and bigrams of agent and customer). */
export class SqliteSearchIndex {
  constructor(
    private readonly db: Database.Database,
    private readonly tokenizer: () => Tokenizer,
  ) {}

  /**
   * Indexes (or re-indexes) a call's transcript in one transaction. The call must exist: its start time
   * gives the doc id. Throws CallsightError CALL_NOT_FOUND otherwise.
   */
  index(tenantId: string, callId: string, transcript: Transcript, now: string): void {
    const document = buildSearchDocument(transcript, this.tokenizer());
    const call = prepared(this.db, 'SELECT started_at, agent_id, team, queue, inquiry_type FROM calls WHERE tenant_id = ? AND id = ?')
      .get(tenantId, callId) as { started_at: string; agent_id: string | null; team: string | null; queue: string | null; inquiry_type: string | null } | undefined;
    if (!call) throw new CallsightError('CALL_NOT_FOUND', 'Cannot index the transcript of a call that is not stored');
    this.db.transaction(() => {
      const existing = prepared(this.db, 'SELECT doc_id FROM call_search WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as
        | { doc_id: number }
        | undefined;
      let docId: number;
      if (existing) {
        docId = existing.doc_id;
        prepared(this.db, 'DELETE FROM call_search_fts WHERE rowid = ?').run(docId);
        prepared(this.db, 'UPDATE call_search SET language = ?, segments_json = ?, indexed_at = ? WHERE doc_id = ?')
          .run(transcript.language, JSON.stringify(transcript.segments), now, docId);
      } else {
        docId = this.allocateDocId(call.started_at);
        prepared(this.db, 'INSERT INTO call_search (doc_id, tenant_id, call_id, language, segments_json, indexed_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(docId, tenantId, callId, transcript.language, JSON.stringify(transcript.segments), now);
      }
      this.insertFts(docId, document.agent, document.customer, metaText(call));
    })();
  }

  insertFts(docId: number, agent: SpeakerStreams, customer: SpeakerStreams, meta: string): void {
    prepared(this.db, 'INSERT INTO call_search_fts (rowid, agent_words, customer_words, agent_grams, customer_grams, meta) VALUES (?, ?, ?, ?, ?, ?)')
      .run(docId, ftsText(agent.words), ftsText(customer.words), ftsText(agent.grams), ftsText(customer.grams), meta);
  }

  /** The first free doc id of a start time; ids of one millisecond follow indexing order. */
  allocateDocId(startedAt: string): number {
    const base = timeKeyOf(startedAt);
    const row = prepared(this.db, 'SELECT MAX(doc_id) AS top FROM call_search WHERE doc_id BETWEEN ? AND ?').get(base, base + SLOTS_PER_MS - 1) as {
      top: number | null;
    };
    const next = row.top === null ? base : row.top + 1;
    if (next >= base + SLOTS_PER_MS) {
      throw new CallsightError('CONFLICT', `More than ${SLOTS_PER_MS} calls indexed with the same start millisecond`);
    }
    return next;
  }

  remove(tenantId: string, callId: string): void {
    this.db.transaction(() => {
      const row = prepared(this.db, 'SELECT doc_id FROM call_search WHERE tenant_id = ? AND call_id = ?').get(tenantId, callId) as
        | { doc_id: number }
        | undefined;
      if (!row) return;
      prepared(this.db, 'DELETE FROM call_search_fts WHERE rowid = ?').run(row.doc_id);
      prepared(this.db, 'DELETE FROM call_search WHERE doc_id = ?').run(row.doc_id);
    })();
  }
}
