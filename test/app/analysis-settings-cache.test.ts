import { afterEach, describe, expect, it } from 'vitest';
import { createAnalysisUseCases, ANALYSIS_REVISION_KEY } from '../../app/analysis/index';
import { systemActor } from '../../app/shared/actor';
import type { HubStorage } from '../../bin/storage';
import { analysisFixture, analysisPorts, openAnalysisStorage } from './analysis-fakes';
import { auditSpy, principal } from './support/audit-spy';

const admin = principal('admin');
const worker = systemActor('t1', 'worker');
const SECRET_TERM = '内部价';
const SPOKEN = { language: 'zh', segments: [{ speaker: 'agent', startS: 0, endS: 5, text: '这个是内 部 价，只给您。' }] } as const;

/** The analysis use-cases of another process: its own stores on the same database and its own (cold) cache. */
function processOn(storage: HubStorage) {
  const spy = auditSpy();
  return createAnalysisUseCases({ ...analysisPorts(storage).ports, audit: spy.audit });
}

const terms = async (analysis: ReturnType<typeof processOn>, callId: string) => {
  await analysis.analyzeCall(worker, { callId });
  return (await analysis.getAnalysis(admin, { id: callId })).sensitive.map((hit) => hit.term);
};

describe.each(['sqlite', 'postgres'] as const)('the analysis settings cache with two processes on one %s database', (kind) => {
  let opened: Awaited<ReturnType<typeof openAnalysisStorage>> | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('sees a lexicon saved by another process on its next analysis, and loads the saved lexicon when cold', async () => {
    opened = await openAnalysisStorage(kind);
    const a = await analysisFixture(opened.storage);
    const b = processOn(await opened.reopen());
    const call = await a.addCall(1);
    await a.analysis.importTranscript(admin, { id: call.id, data: SPOKEN });

    expect(await terms(b, call.id)).not.toContain(SECRET_TERM);
    await a.analysis.saveSettings(admin, { lexicon: [SECRET_TERM] });
    expect(await terms(b, call.id)).toContain(SECRET_TERM);
    // Nothing changed since: the compiled configuration is reused, not rebuilt.
    expect(await b.analysisConfigs.configFor('t1')).toBe(await b.analysisConfigs.configFor('t1'));

    // A process that never analysed anything (cold cache) highlights the saved term at once.
    const cold = processOn(await opened.reopen());
    const transcript = await cold.getTranscript(admin, { id: call.id });
    expect(transcript.highlights.filter((h) => h.kind === 'sensitive').map((h) => h.term)).toContain(SECRET_TERM);

    await a.analysis.saveSettings(admin, { lexicon: [] });
    expect(await terms(b, call.id)).not.toContain(SECRET_TERM);
    expect(await terms(cold, call.id)).not.toContain(SECRET_TERM);
  });

  it('follows a change of the tenant industry made elsewhere', async () => {
    opened = await openAnalysisStorage(kind);
    const a = await analysisFixture(opened.storage);
    const b = processOn(await opened.reopen());
    const call = await a.addCall(1);
    await a.analysis.importTranscript(admin, { id: call.id, data: { language: 'zh', segments: [{ speaker: 'agent', startS: 0, endS: 5, text: '这个产品保本，稳赚不赔。' }] } });
    expect(await terms(b, call.id)).toContain('稳赚不赔');
    const tenant = (await opened.storage.calls.getTenant('t1'))!;
    await opened.storage.calls.upsertTenant({ ...tenant, industry: 'ecommerce' });
    expect(await terms(b, call.id)).not.toContain('稳赚不赔');
  });

  it('never serves stale settings after a save that stopped between the stamp and the row', async () => {
    opened = await openAnalysisStorage(kind);
    const a = await analysisFixture(opened.storage);
    const b = processOn(await opened.reopen());
    const call = await a.addCall(1);
    await a.analysis.importTranscript(admin, { id: call.id, data: SPOKEN });
    await a.analysis.saveSettings(admin, { lexicon: [SECRET_TERM] });
    expect(await terms(b, call.id)).toContain(SECRET_TERM);

    // The stamp of a save that never wrote its row: the saved row is still the truth, and is read each time.
    await opened.storage.settings.put({ tenantId: 't1', key: ANALYSIS_REVISION_KEY, value: { revision: 'rev_lost' }, updatedBy: 'u-admin', updatedAt: new Date().toISOString() });
    expect(await terms(b, call.id)).toContain(SECRET_TERM);
    await a.analysis.saveSettings(admin, { lexicon: [] });
    expect(await terms(b, call.id)).not.toContain(SECRET_TERM);
  });

  it('reads settings saved before revision stamps existed (no stamp) instead of answering an empty lexicon', async () => {
    opened = await openAnalysisStorage(kind);
    const a = await analysisFixture(opened.storage);
    const call = await a.addCall(1);
    await a.analysis.importTranscript(admin, { id: call.id, data: SPOKEN });
    await opened.storage.transcripts.saveSettings('t1', { lexicon: [SECRET_TERM] }, null, 'u-admin', new Date('2026-01-01T00:00:00Z'));
    const b = processOn(await opened.reopen());
    expect(await terms(b, call.id)).toContain(SECRET_TERM);
    await opened.storage.transcripts.saveSettings('t1', {}, null, 'u-admin', new Date('2026-01-02T00:00:00Z'));
    expect(await terms(b, call.id)).not.toContain(SECRET_TERM);
  });
});
