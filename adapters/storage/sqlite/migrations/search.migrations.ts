import type { Migration } from '../migrations';

/** Transcript search index, QA scores for the score filter: versions 10-19. */
export const SEARCH_MIGRATIONS: readonly Migration[] = [
  {
    version: 10,
    name: 'transcript search index, call scores',
    sql: `
      -- doc_id is a time key (started_at in ms * 1024 + slot), so that the FTS rowid order is the time order
      -- and a time-sorted keyword search stops after one page instead of sorting every match.
      CREATE TABLE call_search (
        doc_id INTEGER PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        language TEXT NOT NULL,
        segments_json TEXT NOT NULL,
        indexed_at TEXT NOT NULL,
        UNIQUE (tenant_id, call_id)
      );
      -- Space-joined jieba words / stemmed English words, and Chinese character bigrams, per speaker; meta holds
      -- tokens of the call's immutable attributes (agent, team, queue, inquiry type) so that scopes and filters
      -- intersect inside FTS5 instead of after it.
      CREATE VIRTUAL TABLE call_search_fts USING fts5(
        agent_words, customer_words, agent_grams, customer_grams, meta,
        content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
      );
      CREATE TABLE call_scores (
        tenant_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        score REAL NOT NULL,
        evaluated_at TEXT NOT NULL,
        PRIMARY KEY (tenant_id, call_id)
      );
      CREATE INDEX call_scores_by_score ON call_scores (tenant_id, score);
      CREATE INDEX calls_by_inquiry ON calls (tenant_id, inquiry_type, started_at DESC, id DESC);
    `,
  },
];
