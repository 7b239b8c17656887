import { foldKeepingSpaces } from '../text/normalize';
import { prepareSegments, type PreparedTranscript } from '../text/segment-text';
import type { Transcript } from '../transcript.types';
import type { DemandCategory } from './demand.categories';
import { compileDemandPhrases, DemandSpanFinder, EN_STOP, type CompiledDemandPhrases } from './demand-phrase.matcher';

/** A demand category found in one call: `score` = 1 - e^(-hits), so one mention ~0.63, three ~0.95. */
export interface TopicHit {
  readonly id: string;
  readonly label: string;
  readonly score: number;
  readonly hits: number;
  readonly segments: readonly number[];
}

/**
 * Categories compiled for exact and paraphrase matching. The phrases are immutable; `finder`
 * holds scratch buffers that matchTopics reuses (it is synchronous, so calls never overlap).
 */
export interface CompiledCategories {
  readonly categories: readonly DemandCategory[];
  readonly phrases: CompiledDemandPhrases;
  readonly finder: DemandSpanFinder;
}

/** Compiles categories once per tenant configuration; the result serves any number of calls. */
export function compileCategories(categories: readonly DemandCategory[]): CompiledCategories {
  const phrases = compileDemandPhrases(categories.map((c) => c.phrases));
  return { categories, phrases, finder: new DemandSpanFinder(phrases) };
}

/**
 * Demand categories the customer raised in one call, strongest first (ties by id). A category
 * phrase matches verbatim or as a paraphrase (fillers such as 太/很/的/了 and English stop words
 * ignored, English inflections stemmed; see DemandSpanFinder.findInSegment). `hits` counts the
 * separate places per segment: overlapping matches of one category count once.
 */
export function matchTopics(compiled: CompiledCategories, prepared: PreparedTranscript): TopicHit[] {
  const categoryCount = compiled.categories.length;
  const hits = new Int32Array(categoryCount);
  const segmentsOf: Array<number[] | undefined> = [];
  const finder = compiled.finder;
  // (category, start, end) triples of every segment, appended; `order` sorts one segment's.
  const spans: number[] = [];
  let order = new Int32Array(16);
  const { segments } = prepared;
  for (let s = 0; s < segments.length; s++) {
    if (segments[s]?.speaker !== 'customer') continue;
    const base = spans.length;
    finder.findInSegment(prepared, s, spans);
    const count = (spans.length - base) / 3;
    if (count === 0) continue;
    if (order.length < count) order = new Int32Array(2 * count);
    // Insertion sort by (category, start): a segment holds a handful of matches.
    for (let i = 0; i < count; i++) {
      const k = base + 3 * i;
      let j = i;
      while (j > 0) {
        const prev = order[j - 1] as number;
        const before = (spans[prev] as number) - (spans[k] as number) || (spans[prev + 1] as number) - (spans[k + 1] as number);
        if (before <= 0) break;
        order[j] = prev;
        j--;
      }
      order[j] = k;
    }
    let category = -1;
    let coveredTo = -1;
    for (let i = 0; i < count; i++) {
      const k = order[i] as number;
      const c = spans[k] as number;
      const start = spans[k + 1] as number;
      if (c === category && start < coveredTo) {
        coveredTo = Math.max(coveredTo, spans[k + 2] as number);
        continue;
      }
      if (c !== category) {
        const list = segmentsOf[c] ?? [];
        list.push(s);
        segmentsOf[c] = list;
      }
      category = c;
      coveredTo = spans[k + 2] as number;
      hits[c] = (hits[c] as number) + 1;
    }
  }
  const out: TopicHit[] = [];
  compiled.categories.forEach((c, index) => {
    const n = hits[index] as number;
    if (n === 0) return;
    out.push({
      id: c.id,
      label: c.label,
      score: Math.round((1 - Math.exp(-n)) * 1000) / 1000,
      hits: n,
      segments: segmentsOf[index] as number[],
    });
  });
  return out.sort((a, b) => b.hits - a.hits || a.id.localeCompare(b.id));
}

export interface MineDemandsOptions {
  /** How many mined phrases to return (default 20). */
  readonly topPhrases?: number;
  /** A phrase must occur in at least this many calls (default 2). */
  readonly minCalls?: number;
  /** Call ids listed per demand (default 50); counts are always complete. */
  readonly maxCallIds?: number;
  /** Extra stop words or phrases to ignore, in either language. */
  readonly stopWords?: readonly string[];
}

export interface DemandCount {
  readonly id: string;
  readonly label: string;
  readonly calls: number;
  readonly callIds: readonly string[];
}

export interface MinedPhrase {
  readonly phrase: string;
  readonly score: number;
  readonly calls: number;
  readonly customerCount: number;
  readonly callIds: readonly string[];
}

export interface DemandInsights {
  readonly totalCalls: number;
  readonly categories: readonly DemandCount[];
  readonly phrases: readonly MinedPhrase[];
}

const ZH_STOP_PHRASES = new Set([
  '你好', '您好', '谢谢', '好的', '那个', '就是', '一下', '这个', '可以', '什么', '怎么', '没有', '知道', '现在', '已经', '然后',
  '因为', '所以', '但是', '如果', '还是', '我们', '你们', '他们', '时候', '问题', '请问', '麻烦', '客服', '人工', '一个', '不是',
  '是不是', '有没有', '能不能', '可不可以', '的话', '亲亲', '订单x', '数字x', '地址x', '姓名x', '站点x', '金额x', '日期x', '时间x',
]);
const ZH_EDGE = new Set([...'的了吗呢吧啊呀哦嗯么们着过我你他她它这那就也都和在是还个一把被给吧哈嘛呗']);

function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

/** Candidate phrases of one customer utterance: Chinese 2-6 character n-grams, English 1-3 word n-grams. */
function extractPhrases(text: string, stop: ReadonlySet<string>, out: Set<string>, counts: Map<string, number>): void {
  const folded = foldKeepingSpaces(text);
  const words: string[] = [];
  let han = '';
  const flushHan = () => {
    for (let n = 2; n <= 6; n++) {
      for (let i = 0; i + n <= han.length; i++) {
        const g = han.slice(i, i + n);
        if (ZH_EDGE.has(g[0] as string) || ZH_EDGE.has(g[n - 1] as string) || ZH_STOP_PHRASES.has(g) || stop.has(g)) continue;
        out.add(g);
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
    }
    han = '';
  };
  const flushWords = () => {
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= words.length; i++) {
        const first = words[i] as string;
        const last = words[i + n - 1] as string;
        if (EN_STOP.has(first) || EN_STOP.has(last) || stop.has(first) || stop.has(last)) continue;
        if (/^\d+$/u.test(first) || /^\d+$/u.test(last) || first.length < 3) continue;
        const g = words.slice(i, i + n).join(' ');
        out.add(g);
        counts.set(g, (counts.get(g) ?? 0) + 1);
      }
    }
    words.length = 0;
  };
  for (const token of folded.split(' ')) {
    let latin = '';
    for (const ch of token) {
      if (isHan(ch.charCodeAt(0))) {
        if (latin) {
          words.push(latin);
          latin = '';
        }
        if (words.length > 0) flushWords();
        han += ch;
      } else {
        if (han) flushHan();
        latin += ch;
      }
    }
    if (latin) words.push(latin);
  }
  flushHan();
  flushWords();
}

/** Dunning log-likelihood G² of `a` in `totalA` (customers) vs `b` in `totalB` (agents). */
function logLikelihood(a: number, b: number, totalA: number, totalB: number): number {
  const e1 = (totalA * (a + b)) / (totalA + totalB);
  const e2 = (totalB * (a + b)) / (totalA + totalB);
  const term = (o: number, e: number) => (o > 0 && e > 0 ? o * Math.log(o / e) : 0);
  return 2 * (term(a, e1) + term(b, e2));
}

/**
 * Customer demands across many calls (R-QA-6): counts of tenant categories (each call counted
 * once per category) and mined key phrases. A phrase is scored by the log-likelihood (G²) that
 * customers say it more often than agents do in the same calls, times log(1 + calls mentioning it);
 * stop words, greetings and masked tokens are ignored, and a phrase is dropped when a longer phrase
 * containing it covers at least 80% of its occurrences. Deterministic: ties break by phrase.
 */
export function mineDemands(
  calls: ReadonlyArray<{ readonly callId: string; readonly transcript: Transcript }>,
  categories: readonly DemandCategory[] | CompiledCategories,
  options: MineDemandsOptions = {},
): DemandInsights {
  const compiled = 'phrases' in categories ? categories : compileCategories(categories);
  const topPhrases = options.topPhrases ?? 20;
  const minCalls = options.minCalls ?? 2;
  const maxCallIds = options.maxCallIds ?? 50;
  const stop = new Set((options.stopWords ?? []).map((w) => foldKeepingSpaces(w)));

  const categoryCalls = new Map<string, string[]>();
  const phraseCalls = new Map<string, string[]>();
  const customerCounts = new Map<string, number>();
  const agentCounts = new Map<string, number>();
  let customerTotal = 0;
  let agentTotal = 0;
  const scratch = new Set<string>();
  const ignored = new Set<string>();

  for (const { callId, transcript } of calls) {
    const prepared = prepareSegments(transcript.segments);
    for (const topic of matchTopics(compiled, prepared)) {
      const list = categoryCalls.get(topic.id) ?? [];
      list.push(callId);
      categoryCalls.set(topic.id, list);
    }
    const inCall = new Set<string>();
    for (const seg of transcript.segments) {
      scratch.clear();
      if (seg.speaker === 'customer') {
        extractPhrases(seg.text, stop, scratch, customerCounts);
        for (const g of scratch) inCall.add(g);
      } else {
        extractPhrases(seg.text, stop, ignored, agentCounts);
        ignored.clear();
      }
    }
    for (const g of inCall) {
      const list = phraseCalls.get(g) ?? [];
      list.push(callId);
      phraseCalls.set(g, list);
    }
  }
  for (const v of customerCounts.values()) customerTotal += v;
  for (const v of agentCounts.values()) agentTotal += v;

  const candidates: Array<{ phrase: string; count: number; calls: string[] }> = [];
  for (const [phrase, callIds] of phraseCalls) {
    if (callIds.length < minCalls) continue;
    candidates.push({ phrase, count: customerCounts.get(phrase) ?? 0, calls: callIds });
  }
  const extensionCounts = computeExtensionCounts(candidates);
  const kept = candidates.filter((c) => (extensionCounts.get(c.phrase) ?? 0) < c.count * 0.8);

  const scored = kept.map((c) => {
    const agent = agentCounts.get(c.phrase) ?? 0;
    const customerRate = c.count / Math.max(1, customerTotal);
    const agentRate = agent / Math.max(1, agentTotal);
    const g2 = agentTotal > 0 ? logLikelihood(c.count, agent, customerTotal, agentTotal) : c.count;
    const directional = customerRate >= agentRate ? g2 : 0;
    return { ...c, score: Math.round(directional * Math.log(1 + c.calls.length) * 1000) / 1000 };
  });
  scored.sort((a, b) => b.score - a.score || b.calls.length - a.calls.length || (a.phrase < b.phrase ? -1 : a.phrase > b.phrase ? 1 : 0));

  return {
    totalCalls: calls.length,
    categories: compiled.categories
      .map((c) => {
        const ids = categoryCalls.get(c.id) ?? [];
        return { id: c.id, label: c.label, calls: ids.length, callIds: ids.slice(0, maxCallIds) };
      })
      .filter((c) => c.calls > 0)
      .sort((a, b) => b.calls - a.calls || a.id.localeCompare(b.id)),
    phrases: scored
      .filter((s) => s.score > 0)
      .slice(0, topPhrases)
      .map((s) => ({ phrase: s.phrase, score: s.score, calls: s.calls.length, customerCount: s.count, callIds: s.calls.slice(0, maxCallIds) })),
  };
}

/**
 * For each phrase, the largest count of a candidate one unit longer that contains it (one more
 * Chinese character or English word). Longer extensions need no check: each contains a one-unit
 * extension that is at least as frequent.
 */
function computeExtensionCounts(candidates: ReadonlyArray<{ phrase: string; count: number }>): Map<string, number> {
  const best = new Map<string, number>();
  const note = (sub: string, count: number) => {
    if (sub.length > 0 && (best.get(sub) ?? 0) < count) best.set(sub, count);
  };
  for (const { phrase, count } of candidates) {
    if (isHan(phrase.charCodeAt(0))) {
      note(phrase.slice(1), count);
      note(phrase.slice(0, -1), count);
    } else {
      const words = phrase.split(' ');
      if (words.length < 2) continue;
      note(words.slice(1).join(' '), count);
      note(words.slice(0, -1).join(' '), count);
    }
  }
  return best;
}
