import { systemActor } from '../../app/calls';
import type { Hub } from '../hub';
import { ANALYZE_JOB, analysisUseCasesOf } from '../wiring/analysis.wiring';
import { DEMO_AGENTS, demoCustomers, planDemoCalls } from './demo-plan';
import { demoAnalysisSettings } from './demo-settings';
import { seedQualityStory, STORY_MIN_CALLS, type SeededCall, type StoryReport } from './demo-story';
import { demoTranscript } from './demo-transcripts';
import { synthesizeDemoCallWav } from './synth-audio';

export { demoCustomers, type DemoCustomer } from './demo-plan';
export { STORY_MIN_CALLS } from './demo-story';

export const DEMO_TENANT = 'demo';

export interface SeedReport {
  readonly calls: number;
  readonly misdials: number;
  readonly agents: number;
  readonly customers: number;
  /** Jobs the seed ran itself (the analyses, before the QA history); the rest stay queued for the hub's workers. */
  readonly analysed: number;
  /** The QA history (evaluations, coaching, dispute); null when the tenant already had one or too few calls were asked for. */
  readonly story: StoryReport | null;
}

/**
 * Seeds tenant `demo` with raw data only, every figure on screen being computed by the product from it: 10 agents in
 * two teams and three queues (Chinese e-commerce, Chinese wealth and cards, English e-commerce) plus the IVR, 60
 * customers with CRM tags, and `calls` calls over the last three months with real playable audio of their stated
 * length (8 kHz telephony WAV), CSAT answers, and transcripts whose content plants the demo's findings (see
 * docs/demo.md). The analysis settings are saved through the analysis use-case and every transcript is queued for
 * analysis (the `call.analyze` job); with at least STORY_MIN_CALLS calls the seed runs the queued jobs itself
 * (the hub's handlers must be registered: bin/capabilities.ts) and the QA history follows through the quality and
 * coaching use-cases (bin/seed/demo-story.ts). Idempotent: calls already present are skipped, settings and the QA history are written
 * only once. Calls come in through the ingest use-case as the system actor `demo-seed`, audited like any other.
 */
export async function seedDemo(
  hub: Hub,
  options: { calls?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<SeedReport> {
  const total = options.calls ?? 220;
  const now = hub.clock.now();
  await hub.ensureTenant({ id: DEMO_TENANT, name: 'Callsight demo', defaultRegion: 'CN', industry: 'general' });
  for (const agent of DEMO_AGENTS) await hub.calls.upsertAgent({ ...agent, tenantId: DEMO_TENANT });
  const seeder = systemActor(DEMO_TENANT, 'demo-seed');
  const analysis = analysisUseCasesOf(hub);
  if ((await hub.transcripts.getSettings(DEMO_TENANT)) === null) await analysis.saveSettings(seeder, demoAnalysisSettings());
  const seeded: SeededCall[] = [];
  let misdials = 0;
  let added = 0;
  const plan = planDemoCalls(total, now);
  for (const [index, planned] of plan.entries()) {
    const metadata = {
      provider: 'demo',
      providerCallId: planned.providerCallId,
      channel: planned.channel,
      direction: planned.direction,
      startedAt: planned.startedAt,
      agentId: planned.agentId,
      queue: planned.queue,
      customerPhone: planned.customer.phone,
      inquiryType: planned.inquiryType,
      tags: planned.customer.tags,
      csat: planned.csat,
    };
    const existing = await hub.calls.findByProviderCallId(DEMO_TENANT, 'demo', planned.providerCallId);
    let callId = existing?.id ?? null;
    let transcript = planned.script ? demoTranscript(planned.providerCallId, planned.script, planned.durationS) : null;
    if (!existing) {
      const audio = synthesizeDemoCallWav({ durationS: planned.durationS, seed: planned.providerCallId });
      const { call } = await hub.ingestion.ingestCall(seeder, { metadata, audio });
      callId = call.id;
      added++;
      if (transcript) {
        // Demo audio is synthetic, so the transcript comes as an import, as from a provider that transcribes.
        await hub.transcripts.saveTranscript(DEMO_TENANT, call.id, transcript, 'demo', hub.clock.now());
        await hub.transcriptStored(DEMO_TENANT, call.id, transcript);
        await hub.jobQueue.enqueue({ id: hub.ids.newId('job'), tenantId: DEMO_TENANT, kind: ANALYZE_JOB, payload: { callId: call.id }, dedupeKey: call.id });
      }
    } else if (transcript && (await hub.transcripts.getTranscript(DEMO_TENANT, existing.id)) === null) {
      transcript = null;
    }
    if (planned.misdial) misdials++;
    if (callId) seeded.push({ plan: planned, callId, transcript });
    options.onProgress?.(index + 1, total);
  }
  const hasHistory = (await hub.storage.quality.listEvaluations(DEMO_TENANT)).length > 0;
  let analysed = 0;
  let story: StoryReport | null = null;
  if (total >= STORY_MIN_CALLS && added > 0 && !hasHistory) {
    // The reviewers score analysed calls: the queued analyses run first, through the hub's own job handler.
    if (!hub.jobs.kinds().includes(ANALYZE_JOB)) {
      throw new Error(`seedDemo writes the QA history only on analysed calls: register the analysis capability (bin/capabilities.ts) before seeding`);
    }
    analysed = await hub.jobs.drain();
    story = await seedQualityStory(hub, DEMO_TENANT, seeded, now);
  }
  return { calls: total, misdials, agents: DEMO_AGENTS.length, customers: demoCustomers().length, analysed, story };
}
