import { describe, it, expect } from 'vitest';
import { createBigramTokenizer, mineDemandPhrases, type MinedDemand } from '../../../core/analysis/demands/demand.miner';
import { createJiebaTokenizer } from '../../../adapters/text/jieba';
import { generateDemandCorpus, PLANTED, type PlantedDemand } from './support/demand-corpus';

const tokenizer = createJiebaTokenizer();
/** Generic words and numbers a manager must never see as a demand. */
const GENERIC = ['解决', '问题', '一下', '谢谢', '你好', '知道', '订单号', '手机尾号', 'problem', 'thank', 'order number', 'phone number'];
const NUMBERISH = /[\d零〇一二两三四五六七八九十百千]|\b(one|two|three|four|five|six|seven|eight|nine|zero)\b/u;

/** The planted demand a mined demand stands for: the one whose phrasings contain most of its phrases. */
function plantedOf(d: MinedDemand): PlantedDemand | undefined {
  return PLANTED.find((p) => d.phrases.filter((phrase) => p.phrasings.some((text) => text.includes(phrase))).length * 2 > d.phrases.length);
}

describe('mineDemandPhrases on a generated corpus of 300 calls', () => {
  const calls = generateDemandCorpus(300, 'demand-corpus-v1', 'auto_renewal');
  const result = mineDemandPhrases(calls, { tokenizer, top: 10 });
  const top = result.demands.slice(0, PLANTED.length);

  it('recovers every planted demand among the top ones, each once (paraphrases merged)', () => {
    expect(top.map((d) => plantedOf(d)?.id).sort()).toEqual(PLANTED.map((p) => p.id).sort());
  });

  it('labels each demand with one of its planted phrasings, readable and whole', () => {
    for (const d of top) {
      const planted = plantedOf(d);
      expect(planted?.phrasings.some((text) => text.includes(d.label))).toBe(true);
      expect(d.label.length).toBeGreaterThanOrEqual(3);
    }
    const late = top.find((d) => plantedOf(d)?.id === 'logistics_delay');
    expect(late?.phrases.length).toBeGreaterThanOrEqual(3);
  });

  it('lists no generic word, number or spoken digit among the demands', () => {
    for (const d of result.demands) {
      for (const phrase of [d.label, ...d.phrases]) {
        expect(phrase).not.toMatch(NUMBERISH);
        expect(GENERIC).not.toContain(phrase);
        expect(phrase).not.toMatch(/解决|问题|problem/u);
      }
    }
    expect(result.demands.map((d) => d.label)).not.toContain('手机尾号');
  });

  it('gives example sentences from distinct calls that contain a phrasing of the demand', () => {
    for (const d of top) {
      expect(d.examples.length).toBe(3);
      expect(new Set(d.examples.map((e) => e.callId)).size).toBe(3);
      for (const e of d.examples) expect(d.phrases.some((p) => e.text.toLowerCase().replace(/\s+/gu, ' ').includes(p.split(' ')[0] as string))).toBe(true);
    }
  });

  it('lists the demand that only rose in the last week as emerging, and none of the steady ones', () => {
    expect(result.emerging.map((e) => plantedOf(result.demands.find((d) => d.id === e.id) as MinedDemand)?.id)).toEqual(['auto_renewal']);
    expect(result.emerging[0]?.lastWeek).toBe(0);
  });

  it('is deterministic', () => {
    expect(mineDemandPhrases(calls, { tokenizer, top: 10 })).toEqual(result);
  });
});

describe('mineDemandPhrases from 30 calls', () => {
  it('still finds most planted demands, labelled by their phrasings, with no number among them', () => {
    const result = mineDemandPhrases(generateDemandCorpus(30, 'demand-corpus-small'), { tokenizer });
    expect(result.minCalls).toBe(2);
    const found = new Set(result.demands.map((d) => plantedOf(d)?.id).filter((x) => x !== undefined));
    expect(found.size).toBeGreaterThanOrEqual(4);
    for (const d of result.demands) expect(d.label).not.toMatch(NUMBERISH);
  });
});

describe('mineDemandPhrases without a dictionary', () => {
  it('still mines English phrases and never numbers', () => {
    const calls = generateDemandCorpus(120, 'demand-corpus-bigram').filter((c) => c.transcript.language === 'en');
    const result = mineDemandPhrases(calls, { tokenizer: createBigramTokenizer() });
    expect(result.demands.map((d) => plantedOf(d)?.id)).toEqual(expect.arrayContaining(['late_delivery', 'double_charge']));
    for (const d of result.demands) expect(d.label).not.toMatch(NUMBERISH);
  });
});
