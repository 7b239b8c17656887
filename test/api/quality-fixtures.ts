/** Fixtures for the quality API tests: calls inserted through the repository, with analysed transcripts. */
import { analyzeTranscript, type CallAnalysis } from '../../core/analysis/analyze-transcript';
import { buildAnalysisConfig } from '../../core/analysis/analysis.config';
import type { Segment, Transcript } from '../../core/analysis/transcript.types';
import type { Call } from '../../core/recordings/call';
import { Command } from 'commander';
import { expect } from 'vitest';
import { registerSampleCommands, sampleCommandDepsOf } from '../../bin/commands/sample.command';
import { sqliteOf, type TestHub } from '../support/hub';

// The general pack plus one finance term, so that a sensitive-word hit is easy to place in a fixture.
const config = buildAnalysisConfig({ industry: 'general', lexicon: [{ term: '保本', category: 'finance', severity: 'high' }] });

export async function api(hub: TestHub, method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: text ? (JSON.parse(text) as any) : null };
}

export interface CallSpec {
  readonly id: string;
  readonly agentId: string | null;
  readonly team?: string | null;
  readonly startedAt: string;
  readonly durationS?: number;
  readonly customerPhone?: string | null;
  readonly inquiryType?: string | null;
  readonly tags?: readonly string[];
  readonly csat?: number | null;
  readonly queue?: string | null;
}

/** Inserts a call straight through the repository (with recording metadata, no audio bytes). */
export async function insertCall(hub: TestHub, tenantId: string, spec: CallSpec): Promise<Call> {
  const durationS = spec.durationS ?? 240;
  const call: Call = {
    id: spec.id,
    tenantId,
    provider: 'gen',
    providerCallId: spec.id,
    channel: spec.agentId === null ? 'ivr' : 'human',
    direction: 'inbound',
    startedAt: spec.startedAt,
    endedAt: new Date(Date.parse(spec.startedAt) + durationS * 1000).toISOString(),
    durationS,
    agentId: spec.agentId,
    team: spec.team ?? null,
    queue: spec.queue ?? null,
    customerPhone: spec.customerPhone ?? null,
    inquiryType: spec.inquiryType ?? null,
    tags: spec.tags ?? [],
    csat: spec.csat ?? null,
    crmLinks: [],
    status: 'stored',
    recording: { format: 'wav', bytes: 1000, sha256: '0'.repeat(64), channels: 1, durationS, keyId: `k-${spec.id}` },
    createdAt: spec.startedAt,
  };
  const outcome = await hub.hub.calls.insertCall(call);
  return outcome.call;
}

/** Stores a transcript and its real analysis (analyzeTranscript with the general config). */
export function storeAnalysis(hub: TestHub, call: Call, transcript: Transcript): CallAnalysis {
  const analysis = analyzeTranscript(transcript, config, { durationS: call.durationS, ...(call.inquiryType ? { inquiryType: call.inquiryType } : {}) });
  hub.hub.transcripts.saveTranscript(call.tenantId, call.id, transcript, 'test', new Date());
  hub.hub.transcripts.saveAnalysis(call.tenantId, call.id, call.startedAt, analysis, new Date());
  return analysis;
}

/**
 * A Chinese service call with `turns` customer turns, of which the first `interrupted` are talked over by the
 * agent (agent starts 2 s into a 4 s customer turn); with `sensitive`, the agent promises 保本 at 40 s.
 */
export function makeTranscript(options: { turns: number; interrupted: number; sensitive?: boolean; notice?: boolean }): Transcript {
  const segments: Segment[] = [];
  if (options.notice ?? true) segments.push({ speaker: 'agent', startS: 0, endS: 5, text: '您好，本次通话将录音，请问有什么可以帮您？' });
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

/** Start of the current UTC month shifted by `months`, as YYYY-MM. */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/**
 * Runs fixture inserts in one SQLite transaction (the repository's own transactions become savepoints), so
 * that hundreds of generated calls do not each pay a synchronous commit. Nothing else writes meanwhile.
 */
export async function inOneTransaction(hub: TestHub, fill: () => Promise<void>): Promise<void> {
  sqliteOf(hub.hub).exec('BEGIN');
  try {
    await fill();
    sqliteOf(hub.hub).exec('COMMIT');
  } catch (error) {
    sqliteOf(hub.hub).exec('ROLLBACK');
    throw error;
  }
}

/** Every plan guarantee the issue names, checked against calls counted independently of the planner. */
export function checkQuotas(plan: any, callsByAgent: Map<string, Call[]>, seniority: Map<string, 'new' | 'senior'>) {
  expect(plan.agents.map((a: any) => a.agentId).sort()).toEqual([...callsByAgent.keys()].sort());
  for (const summary of plan.agents) {
    const calls = callsByAgent.get(summary.agentId)!;
    const share = seniority.get(summary.agentId) === 'new' ? 0.5 : 0.1;
    const items = plan.items.filter((i: any) => i.agentId === summary.agentId);
    expect(summary.calls).toBe(calls.length);
    expect(items.length).toBeGreaterThanOrEqual(Math.ceil(share * calls.length - 1e-9));
    expect(items.length).toBe(Math.min(calls.length, Math.ceil(share * calls.length - 1e-9)));
    expect(new Set(items.map((i: any) => i.callId)).size).toBe(items.length);
    for (const item of items) expect(calls.some((c) => c.id === item.callId)).toBe(true);
  }
  const strata = new Set(plan.items.map((i: any) => i.stratum));
  expect(strata.has('risk')).toBe(true);
  expect(strata.has('control')).toBe(true);
  expect(plan.items.filter((i: any) => i.stratum === 'control').length).toBe(Math.round(0.2 * plan.items.length));
  for (const item of plan.items) {
    expect(item.reviewerIds.length).toBeGreaterThan(0);
    if (item.stratum === 'risk') expect(item.riskScore).toBeGreaterThan(0);
  }
}

export async function runSampleCli(hub: TestHub, args: string[]): Promise<string> {
  const out: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerSampleCommands(program, { write: (t) => void out.push(t), ...sampleCommandDepsOf(hub.hub) });
  await program.parseAsync(['sample', 'plan', ...args], { from: 'user' });
  return out.join('');
}
