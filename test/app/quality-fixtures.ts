/** Ports of the quality, coaching and insights use-cases over a real SQLite file, with a fixed clock and an audit spy. */
import { expect } from 'vitest';
import { SqliteCallRepository, SqliteQualityStore, SqliteTranscriptStore } from '../../adapters/storage/sqlite';
import { createCoachingUseCases } from '../../app/coaching';
import { createInsightsUseCases } from '../../app/insights';
import { createQualityUseCases } from '../../app/quality';
import { analyzeTranscript } from '../../core/analysis/analyze-transcript';
import { buildAnalysisConfig } from '../../core/analysis/analysis.config';
import type { Segment, Transcript } from '../../core/analysis/transcript.types';
import type { AuditEntry } from '../../core/audit/audit-recorder.port';
import type { Call, Seniority } from '../../core/recordings/call';
import { openTestSqlite } from '../contracts/support/databases';
import { makeCall } from '../contracts/support/fixtures';
import { auditSpy } from './support/audit-spy';

export const T = 't1';
export const NOW = '2026-04-15T12:00:00.000Z';

const config = buildAnalysisConfig({ industry: 'general', lexicon: [{ term: '保本', category: 'finance', severity: 'high' }] });

/**
 * A Chinese service call with `turns` customer turns, of which the first `interrupted` are talked over by the
 * agent; with `sensitive`, the agent promises 保本.
 */
export function transcriptOf(options: { turns: number; interrupted: number; sensitive?: boolean }): Transcript {
  const segments: Segment[] = [{ speaker: 'agent', startS: 0, endS: 5, text: '您好，本次通话将录音，请问有什么可以帮您？' }];
  let t = 10;
  for (let i = 0; i < options.turns; i++) {
    segments.push({ speaker: 'customer', startS: t, endS: t + 4, text: '我想问一下我的订单什么时候能到。' });
    const agentStart = i < options.interrupted ? t + 2 : t + 5;
    segments.push({ speaker: 'agent', startS: agentStart, endS: agentStart + 5, text: '好的，我帮您查询一下订单的情况。' });
    t += 12;
  }
  if (options.sensitive) segments.push({ speaker: 'agent', startS: t + 1, endS: t + 6, text: '这个产品保本，您放心。' });
  return { language: 'zh', segments };
}

/** A fresh store with tenant t1, agents a-1 (north, senior) and a-2 (south, new), and the bound use-cases. */
export async function qualityFixture() {
  const sqlite = openTestSqlite();
  const calls = new SqliteCallRepository(sqlite.db);
  const store = new SqliteQualityStore(sqlite.db);
  const transcripts = new SqliteTranscriptStore(sqlite.db);
  const spy = auditSpy();
  let now = Date.parse(NOW);
  let n = 0;
  const ports = {
    calls,
    store,
    transcripts,
    clock: { now: () => new Date(now) },
    ids: { newId: (prefix: string) => `${prefix}_${String(++n).padStart(4, '0')}` },
    audit: spy.audit,
  };
  await calls.upsertTenant({ id: T, name: 'Tenant', defaultRegion: 'CN', industry: 'general', createdAt: '2026-01-01T00:00:00Z' });
  const agent = (id: string, team: string, seniority: Seniority) => calls.upsertAgent({ tenantId: T, id, name: id, team, seniority, hiredAt: '2024-01-01' });
  await agent('a-1', 'north', 'senior');
  await agent('a-2', 'south', 'new');

  return {
    ports,
    spy,
    quality: createQualityUseCases(ports),
    coaching: createCoachingUseCases(ports),
    insights: createInsightsUseCases(ports),
    advance(ms: number) {
      now += ms;
    },
    /** Stores a call (team from its agent unless given) and, with `transcript`, its real analysis. */
    async addCall(id: string, over: Partial<Call> & { transcript?: Transcript } = {}): Promise<Call> {
      const { transcript, ...fields } = over;
      const agentId = fields.agentId === undefined ? 'a-1' : fields.agentId;
      const team = agentId === 'a-1' ? 'north' : agentId === 'a-2' ? 'south' : null;
      const call = makeCall(0, { id, tenantId: T, providerCallId: id, agentId, team, durationS: 240, ...fields });
      await calls.insertCall(call);
      if (transcript) {
        const analysis = analyzeTranscript(transcript, config, { durationS: call.durationS });
        await transcripts.saveAnalysis(T, call.id, call.startedAt, analysis, new Date(now));
      }
      return call;
    },
    close: () => sqlite.close(),
  };
}

export type QualityFixture = Awaited<ReturnType<typeof qualityFixture>>;

/**
 * Runs one use-case call and checks that it left exactly one audit event; returns the result (or the error) and
 * the event.
 */
export async function once<T>(fx: { spy: { events: AuditEntry[] } }, call: () => Promise<T>): Promise<{ result?: T; error?: unknown; event: AuditEntry }> {
  const before = fx.spy.events.length;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await call();
  } catch (e) {
    error = e;
  }
  expect(fx.spy.events.length - before, 'audit events written by one use-case call').toBe(1);
  return { ...(error === undefined ? { result: result as T } : { error }), event: fx.spy.events[fx.spy.events.length - 1]! };
}

/** Answers for every manual criterion of the default scorecard. */
export const ANSWERS = [
  { criterionId: 'identity_verified', value: 'pass' },
  { criterionId: 'greeting', value: 4 },
  { criterionId: 'clarity', value: 5 },
  { criterionId: 'product_knowledge', value: 3 },
  { criterionId: 'issue_resolved', value: 'pass' },
  { criterionId: 'empathy', value: 4 },
] as const;
