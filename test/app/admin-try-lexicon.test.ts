import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tryLexicon } from '../../app/analysis';
import { principal } from './support/audit-spy';
import { analysisFixture, openAnalysisStorage } from './analysis-fakes';

let opened: Awaited<ReturnType<typeof openAnalysisStorage>>;
let t: Awaited<ReturnType<typeof analysisFixture>>;
let trySentence: ReturnType<typeof tryLexicon.bind>;
const admin = principal('admin');

beforeEach(async () => {
  opened = await openAnalysisStorage();
  t = await analysisFixture(opened.storage);
  trySentence = tryLexicon.bind({ transcripts: opened.storage.transcripts, calls: opened.storage.calls, audit: t.spy.audit });
  t.spy.events.length = 0;
});
afterEach(async () => opened.close());

describe('try-lexicon', () => {
  it("screens a sentence with the tenant's saved lexicon (finance pack): a hit with its offsets, a negated one cleared", async () => {
    const sentence = '这款产品保本保息，放心买';
    const result = await trySentence(admin, { sentence });
    expect(result.source).toBe('saved');
    expect(result.sensitive).toEqual([expect.objectContaining({ term: '保本保息', severity: 'high', start: 4, end: 8 })]);
    const negated = await trySentence(admin, { sentence: '这款产品不保本，请注意风险' });
    expect(negated.sensitive).toEqual([]);
    expect(negated.cleared).toEqual([expect.objectContaining({ term: '保本', clearedBy: 'negation' })]);
  });

  it('uses a proposed lexicon without saving it, and the saved one again afterwards', async () => {
    const proposed = { lexicon: [{ term: '内部价', category: 'pricing', severity: 'medium' as const }] };
    const result = await trySentence(admin, { sentence: '给您一个内部价', settings: proposed });
    expect(result.source).toBe('proposed');
    expect(result.sensitive.map((hit) => [hit.term, hit.severity, hit.category])).toEqual([['内部价', 'medium', 'pricing']]);
    expect((await trySentence(admin, { sentence: '给您一个内部价' })).sensitive).toEqual([]);
    expect(await opened.storage.transcripts.getSettings('t1')).toBeNull();
  });

  it('records one event per call with counts only, never the sentence', async () => {
    await trySentence(admin, { sentence: '这款产品保本保息' });
    expect(t.spy.events).toEqual([
      expect.objectContaining({ action: 'try_lexicon', outcome: 'allowed', target: 'settings:analysis', reason: 'saved', details: { sensitive: 1, cleared: 0, scripts: 0 } }),
    ]);
    expect(JSON.stringify(t.spy.events)).not.toContain('保本');
  });

  it('VALIDATION_FAILED for an empty or too long sentence and for invalid proposed settings; non-admins refused', async () => {
    await expect(trySentence(admin, { sentence: '   ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(trySentence(admin, { sentence: 'x'.repeat(2001) })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(trySentence(admin, { sentence: 'hello', settings: { requiredScripts: 'greeting' } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    for (const role of ['agent', 'qa', 'manager', 'auditor'] as const) {
      await expect(trySentence(principal(role), { sentence: 'hello' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(t.spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['error', 'validation_failed'],
      ['error', 'validation_failed'],
      ['error', 'validation_failed'],
      ...Array(4).fill(['denied', 'role_not_permitted']),
    ]);
  });
});
