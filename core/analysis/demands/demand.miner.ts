/**
 * Customer demands mined from many calls (R-QA-6, issue 18): phrases of two to four content words
 * (jieba words for Chinese, words for English, through the Tokenizer port) that customers say more
 * than agents, never a number, a spoken digit (二二), a masked token or a generic word (解决, 问题);
 * paraphrases merged into one demand with a readable label and example sentences; demands rising
 * week over week listed as emerging. Pure: the tokenizer is passed in (adapters/text/jieba in the hub).
 */
import type { Tokenizer, TextToken } from '../../search/tokenizer.port';
import type { Transcript } from '../transcript.types';

/** One call to mine; `startedAt` (ISO-8601) is needed for emerging demands only. */
export interface DemandMiningCall {
  readonly callId: string;
  readonly transcript: Transcript;
  readonly startedAt?: string;
}

export interface DemandMiningOptions {
  /** Word tokenizer; jieba in the hub. Without one, Chinese runs are cut into two-character pieces (poorer labels). */
  readonly tokenizer?: Tokenizer;
  /** How many demands to return (default 20). */
  readonly top?: number;
  /** A demand must come up in at least this many calls; default max(2, 2% of the calls). */
  readonly minCalls?: number;
  /** Phrases in more than this share of calls are generic, not demands (default 0.5). */
  readonly maxCallShare?: number;
  /** Extra stop words (either language), e.g. product names that carry no demand. */
  readonly stopWords?: readonly string[];
  /** Extra synonym groups for merging paraphrases, e.g. [["快递", "物流"]]; added to the built-in ones. */
  readonly synonyms?: ReadonlyArray<readonly string[]>;
  /** Example sentences per demand (default 3, from distinct calls). */
  readonly examples?: number;
  /** Call ids listed per demand (default 50); counts are always complete. */
  readonly maxCallIds?: number;
  /** End of the current week for emerging demands (ISO-8601); default the latest `startedAt`. */
  readonly asOf?: string;
}

/** An example sentence: the customer's clause that holds the phrase. */
export interface DemandExample {
  readonly callId: string;
  readonly segment: number;
  readonly text: string;
}

/** One demand: paraphrases merged, labelled by its most frequent phrasing. */
export interface MinedDemand {
  /** Stable id derived from the label (same label, same id). */
  readonly id: string;
  readonly label: string;
  /** The phrasings merged into this demand, most frequent first. */
  readonly phrases: readonly string[];
  readonly language: 'zh' | 'en';
  readonly calls: number;
  readonly callIds: readonly string[];
  readonly score: number;
  readonly examples: readonly DemandExample[];
}

/** A demand whose share of calls rose from the previous week to the current one. */
export interface EmergingDemand {
  readonly id: string;
  readonly label: string;
  readonly thisWeek: number;
  readonly lastWeek: number;
  /** (this week's share + 1 call) / (last week's share + 1 call): the rise, smoothed. */
  readonly growth: number;
}

/** Demands over the calls mined, strongest first (`top` of them), and the emerging ones among all demands found. */
export interface DemandMiningResult {
  readonly totalCalls: number;
  /** The call threshold applied (given, or the default for this many calls). */
  readonly minCalls: number;
  readonly demands: readonly MinedDemand[];
  readonly emerging: readonly EmergingDemand[];
}

/**
 * Chinese function words, pronouns, question words, light verbs and service small talk: never the
 * first or last word of a demand (they may sit inside one: 退款流程太复杂 keeps 太).
 */
const ZH_STOP = new Set(
  `的 了 吗 呢 吧 啊 呀 哦 嗯 么 们 着 过 我 你 您 他 她 它 我们 你们 他们 这 那 这个 那个 这些 那些 这样 那样 这么 那么 就 也 都 和 跟 与 在 是
  还 还是 又 再 把 被 给 让 对 从 到 向 为 为了 因为 所以 但是 可是 不过 如果 的话 然后 就是 而且 或者 一下 一个 一些 一点 有点 有些 什么 怎么
  怎么样 怎样 为什么 哪 哪里 哪个 多少 几 谁 吗 嘛 呗 啦 哈 喂 请问 请 麻烦 谢谢 谢 你好 您好 好的 好 嗯嗯 对 对的 是的 行 可以 能 能不能 会 要 想
  需要 知道 觉得 看 看看 说 问 问问 查 查查 查一下 帮 帮我 帮忙 处理 解决 问题 情况 事情 东西 时候 现在 今天 昨天 明天 已经 一直 刚才 刚刚 之前
  以后 马上 客服 人工 亲 亲亲 订单 下单 联系 电话 打电话 号码 小姐 先生 女士 师傅 有 没 没有 不 很 太 非常 特别 真的 真 挺 蛮 比较 还有 一样
  其他 别的 所有 自己 人家 人 个 次 天 号 元 块 件 单 里 上 下 中 后 前 内 外 我要 我想 我的 你的 您的 咨询 顾客 客户 用户 信息
  发送 点击 业务 订单号 转 转人工 在吗 在不在 怎么回事 怎么办 多久 多长时间 可以吗 行吗 好吗 是不是 有没有 能否 一下子 这边 那边
  感觉 应该 肯定 可能 估计 大概 一般 总是 老是 到底 究竟 快点 尽快 赶紧 手机 手机号 手机号码 尾号 身份证 身份证号 卡号 银行卡 验证码`.split(/\s+/u),
);
/** Degree adverbs and particles that paraphrases add or drop: ignored when comparing phrasings. */
const ZH_FILLER = new Set(`太 很 非常 特别 真的 真 挺 蛮 有点 有些 比较 好 这么 那么 了 的 啊 呀 吧 呢 吗 都 也 还 一直 总是 老是 实在`.split(/\s+/u));
const EN_STOP = new Set(
  `a an the and or but if then so to of in on at for from by with about as is are was were be been being am do does did done
  have has had having i me my mine we our us you your yours he him his she her it its they them their this that these those
  there here what which who whom whose when where why how not no yes yeah ok okay oh uh um hmm please thanks thank hello hi hey
  can could would should will shall may might must just also very really too more most some any all each every much many than
  like get got go going gone want wanted need needed know think said say tell told well sure right now still already again
  im ive id youre thats dont doesnt didnt cant wont isnt wasnt arent let lets help call calling called phone number order
  question problem issue thing things something anything way today yesterday time sorry hold minute one two three four five six
  seven eight nine ten zero oh double triple hundred thousand`.split(/\s+/u),
);

/** Built-in synonym groups of customer-service Chinese and English, for merging paraphrases. */
const DEFAULT_SYNONYMS: ReadonlyArray<readonly string[]> = [
  ['物流', '快递', '包裹', '配送', 'delivery', 'shipping', 'package', 'parcel'],
  ['慢', '延迟', '迟迟', '晚', '久', 'slow', 'late', 'delay', 'delayed'],
  ['复杂', '麻烦', '繁琐', 'complicated', 'complex', 'hard', 'difficult', 'confusing'],
  ['退款', '退钱', 'refund', 'refunds'],
  ['坏', '坏了', '损坏', '破损', 'broken', 'damaged'],
  ['扣费', '扣钱', '扣款', 'charged', 'charge', 'billed', 'bill'],
  ['没到', '未到', '不到', '没收到', '还没到'],
  ['登录', '登陆', 'login', 'log'],
];

/** Single-character degree adverbs and particles, stripped from inside words when comparing phrasings. */
const ZH_FILLER_CHARS = new Set([...'太很挺蛮真了的啊呀吧呢吗都也还']);

const ZH_NUMERAL = /^[零〇一二两三四五六七八九十百千万亿幺点半]+$/u;
const HAN = /[\u3400-\u9fff]/u;

interface Unit {
  /** Normalised word (lower case; Chinese as is). */
  readonly word: string;
  readonly start: number;
  readonly end: number;
  readonly han: boolean;
}

/** Masked spans ("[订单x]", "[BANK_CARD]"), replaced by clause breaks of the same length so offsets hold. */
const MASKED = /\[[^\]\n]{1,24}\]/gu;

/** Words of one utterance, in clauses (punctuation ends a clause; masked spans too). */
function clausesOf(original: string, tokenizer: Tokenizer): Unit[][] {
  const text = original.includes('[') ? original.replace(MASKED, (m) => '，'.repeat(m.length)) : original;
  const clauses: Unit[][] = [];
  let clause: Unit[] = [];
  let prevEnd = 0;
  for (const t of tokenizer.tokenize(text)) {
    const han = t.script === 'han';
    // Only punctuation ends a clause: ASR puts spaces between Chinese words at random.
    if (/[,.;:!?，。；：！？、…\n]/u.test(text.slice(prevEnd, t.start)) && clause.length > 0) {
      clauses.push(clause);
      clause = [];
    }
    const surface = text.slice(t.start, t.end).toLowerCase();
    clause.push({ word: han ? t.term : surface.replace(/['’]/gu, ''), start: t.start, end: t.end, han });
    prevEnd = t.end;
  }
  if (clause.length > 0) clauses.push(clause);
  return clauses;
}

/** A fallback tokenizer without a dictionary: Latin words, and Chinese runs cut into two-character pieces. */
export function createBigramTokenizer(): Tokenizer {
  return {
    tokenize(text: string): TextToken[] {
      const out: TextToken[] = [];
      let run = 0;
      for (const m of text.matchAll(/[\u3400-\u9fff]+|[A-Za-z0-9]+(?:['’][A-Za-z]+)?/gu)) {
        const s = m.index ?? 0;
        const w = m[0];
        if (HAN.test(w)) {
          for (let i = 0; i < w.length; i += 2) out.push({ term: w.slice(i, i + 2), script: 'han', run, start: s + i, end: s + Math.min(w.length, i + 2) });
          run++;
        } else out.push({ term: w.toLowerCase(), script: 'word', run: -1, start: s, end: s + w.length });
      }
      return out;
    },
  };
}

/** A word that can never be part of a demand: numbers, spoken digits, masked tokens, single letters. */
function isBlocked(u: Unit): boolean {
  if (/\d/u.test(u.word)) return true;
  if (u.han) return ZH_NUMERAL.test(u.word) || /^(订单|数字|地址|姓名|站点|金额|日期|时间)x?$/u.test(u.word);
  return u.word.length < 2 || /^(bank|card|cn|id|phone|email|x+)$/u.test(u.word) || /[^a-z]/u.test(u.word);
}

function isStop(u: Unit, extra: ReadonlySet<string>): boolean {
  return (u.han ? ZH_STOP.has(u.word) : EN_STOP.has(u.word)) || extra.has(u.word);
}

/** Candidate phrases of one clause: 2-4 content words, stop words allowed inside, none at the edges. */
function phrasesOf(clause: readonly Unit[], extraStop: ReadonlySet<string>, out: Map<string, { from: number; to: number }>): void {
  for (let i = 0; i < clause.length; i++) {
    const first = clause[i] as Unit;
    if (isBlocked(first) || isStop(first, extraStop)) continue;
    let content = 0;
    for (let j = i; j < clause.length && j < i + 6; j++) {
      const u = clause[j] as Unit;
      if (isBlocked(u) || u.han !== first.han) break;
      const stop = isStop(u, extraStop);
      if (!stop) content++;
      if (content > 4) break;
      if (stop || content < 2) continue;
      const words = clause.slice(i, j + 1);
      const phrase = first.han ? words.map((w) => w.word).join('') : words.map((w) => w.word).join(' ');
      if (first.han && phrase.length < 3) continue;
      if (!out.has(phrase)) out.set(phrase, { from: first.start, to: u.end });
    }
  }
}

/** Dunning log-likelihood G² of `a` in `totalA` (customers) vs `b` in `totalB` (agents). */
function logLikelihood(a: number, b: number, totalA: number, totalB: number): number {
  const e1 = (totalA * (a + b)) / (totalA + totalB);
  const e2 = (totalB * (a + b)) / (totalA + totalB);
  const term = (o: number, e: number) => (o > 0 && e > 0 ? o * Math.log(o / e) : 0);
  return 2 * (term(a, e1) + term(b, e2));
}

/** FNV-1a of a string, hex: a stable id for a label. */
function stableId(label: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return `d-${h.toString(16).padStart(8, '0')}`;
}

interface Candidate {
  readonly phrase: string;
  readonly han: boolean;
  readonly calls: string[];
  customer: number;
  agent: number;
  score: number;
  /** Comparable content: synonyms mapped to their group, fillers dropped (characters for Chinese, words for English). */
  key: Set<string>;
}

function contentKey(phrase: string, han: boolean, tokenizer: Tokenizer, synonyms: ReadonlyMap<string, string>): Set<string> {
  const key = new Set<string>();
  if (han) {
    for (const t of tokenizer.tokenize(phrase)) {
      if (ZH_FILLER.has(t.term) || ZH_STOP.has(t.term)) continue;
      // jieba keeps degree words inside ("太慢", "很麻烦"): strip them so 太慢 and 很慢 agree.
      const core = [...t.term].filter((ch) => !ZH_FILLER_CHARS.has(ch)).join('');
      if (core.length > 0) key.add(synonyms.get(core) ?? synonyms.get(t.term) ?? core);
    }
  } else {
    for (const w of phrase.split(' ')) {
      if (EN_STOP.has(w)) continue;
      key.add(synonyms.get(w) ?? w.replace(/(ies|es|s|ed|ing)$/u, ''));
    }
  }
  return key;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / Math.max(1, a.size + b.size - inter);
}

/** Most phrases clustered (the strongest); the rest cannot reach the top demands anyway. */
const MAX_CLUSTERED = 600;

/** Phrasings of one demand share at least this much of their content (Jaccard). */
const MERGE_SIMILARITY = 0.5;

/**
 * Mines the customers' demands over many calls. Guarantees: every demand comes up in at least
 * `minCalls` calls and at most `maxCallShare` of them; its label and phrases contain no digit,
 * numeral-only word, masked token, and neither start nor end with a stop word; paraphrases (same
 * content words after synonyms and fillers, Jaccard >= 0.5, single link) are one demand, labelled by
 * the phrasing with the most content words among those used at least half as often as the commonest
 * (ties: more calls, shorter, lexical). Deterministic for the same calls and options.
 */
export function mineDemandPhrases(calls: readonly DemandMiningCall[], options: DemandMiningOptions = {}): DemandMiningResult {
  const tokenizer = options.tokenizer ?? createBigramTokenizer();
  const top = options.top ?? 20;
  const minCalls = options.minCalls ?? Math.max(2, Math.ceil(calls.length * 0.02));
  const maxShare = options.maxCallShare ?? 0.5;
  const maxExamples = options.examples ?? 3;
  const maxCallIds = options.maxCallIds ?? 50;
  const extraStop = new Set((options.stopWords ?? []).map((w) => w.toLowerCase()));
  const synonyms = new Map<string, string>();
  for (const group of [...DEFAULT_SYNONYMS, ...(options.synonyms ?? [])]) {
    const name = `~${group[0]}`;
    for (const w of group) synonyms.set(w.toLowerCase(), synonyms.get(w.toLowerCase()) ?? name);
  }

  const candidates = new Map<string, Candidate>();
  const agentCounts = new Map<string, number>();
  const where = new Map<string, DemandExample[]>();
  let customerTotal = 0;
  let agentTotal = 0;
  for (const { callId, transcript } of calls) {
    const inCall = new Set<string>();
    transcript.segments.forEach((segment, index) => {
      const found = new Map<string, { from: number; to: number }>();
      for (const clause of clausesOf(segment.text, tokenizer)) phrasesOf(clause, extraStop, found);
      if (segment.speaker !== 'customer') {
        for (const p of found.keys()) agentCounts.set(p, (agentCounts.get(p) ?? 0) + 1);
        agentTotal += found.size;
        return;
      }
      customerTotal += found.size;
      for (const [phrase, span] of found) {
        let c = candidates.get(phrase);
        if (!c) {
          c = { phrase, han: HAN.test(phrase), calls: [], customer: 0, agent: 0, score: 0, key: new Set() };
          candidates.set(phrase, c);
        }
        c.customer++;
        if (!inCall.has(phrase)) {
          inCall.add(phrase);
          c.calls.push(callId);
          const list = where.get(phrase) ?? [];
          if (list.length < maxExamples * 4) list.push({ callId, segment: index, text: clauseText(segment.text, span.from, span.to) });
          where.set(phrase, list);
        }
      }
    });
  }

  const maxCalls = Math.max(minCalls, Math.floor(calls.length * maxShare));
  const kept: Candidate[] = [];
  for (const c of candidates.values()) {
    if (c.calls.length < minCalls || c.calls.length > maxCalls) continue;
    c.agent = agentCounts.get(c.phrase) ?? 0;
    const customerRate = c.customer / Math.max(1, customerTotal);
    const agentRate = c.agent / Math.max(1, agentTotal);
    const g2 = agentTotal > 0 ? logLikelihood(c.customer, c.agent, customerTotal, agentTotal) : c.customer;
    if (customerRate <= agentRate) continue;
    c.score = g2 * Math.log(1 + c.calls.length);
    if (!(c.score > 0)) continue;
    c.key = contentKey(c.phrase, c.han, tokenizer, synonyms);
    kept.push(c);
  }
  // Longest useful phrasing: drop a phrase when one containing it covers >= 80% of its calls.
  const covered = new Set<string>();
  for (const c of kept) {
    for (const other of kept) {
      if (other === c || !other.phrase.includes(c.phrase) || other.phrase.length <= c.phrase.length) continue;
      if (other.calls.length >= 0.8 * c.calls.length) covered.add(c.phrase);
    }
  }
  const ranked = kept
    .filter((c) => !covered.has(c.phrase))
    .sort((a, b) => b.score - a.score || b.calls.length - a.calls.length || (a.phrase < b.phrase ? -1 : a.phrase > b.phrase ? 1 : 0));

  // Single-link clustering (union-find) of the strongest phrases: paraphrases of one demand join
  // whatever order they rank in. Bounded to MAX_CLUSTERED phrases so the pairwise pass stays small.
  const pool = ranked.slice(0, MAX_CLUSTERED);
  const parent = pool.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < pool.length; i++) {
    for (let j = i + 1; j < pool.length; j++) {
      const a = pool[i]!;
      const b = pool[j]!;
      if (a.han === b.han && jaccard(a.key, b.key) >= MERGE_SIMILARITY) {
        const ra = find(i);
        const rb = find(j);
        if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  const byRoot = new Map<number, Candidate[]>();
  pool.forEach((c, i) => {
    const root = find(i);
    const list = byRoot.get(root) ?? [];
    list.push(c);
    byRoot.set(root, list);
  });
  const clusters = [...byRoot.values()];

  const built = clusters.map((members) => {
    const callIds = [...new Set(members.flatMap((m) => m.calls))];
    const byUse = [...members].sort(
      (a, b) => b.calls.length - a.calls.length || a.phrase.length - b.phrase.length || (a.phrase < b.phrase ? -1 : a.phrase > b.phrase ? 1 : 0),
    );
    // The label says the most: of the phrasings used at least half as often as the commonest, the
    // one with the most content words ("退款流程太复杂" over "退款流程"), then the commonest.
    const common = byUse[0]!.calls.length;
    const label = byUse
      .filter((m) => m.calls.length * 2 >= common)
      .reduce((best, m) => (m.key.size > best.key.size ? m : best)).phrase;
    const examples: DemandExample[] = [];
    const seenCalls = new Set<string>();
    for (const m of byUse) {
      for (const e of where.get(m.phrase) ?? []) {
        if (examples.length >= maxExamples || seenCalls.has(e.callId)) continue;
        seenCalls.add(e.callId);
        examples.push(e);
      }
    }
    const demand: MinedDemand = {
      id: stableId(label),
      label,
      phrases: byUse.map((m) => m.phrase),
      language: members[0]!.han ? ('zh' as const) : ('en' as const),
      calls: callIds.length,
      callIds: callIds.slice(0, maxCallIds),
      score: Math.round(members.reduce((s, m) => s + m.score, 0) * 1000) / 1000,
      examples,
    };
    return { demand, callIds };
  });
  built.sort((x, y) => {
    const a = x.demand;
    const b = y.demand;
    return b.score - a.score || b.calls - a.calls || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
  });
  return {
    totalCalls: calls.length,
    minCalls,
    demands: built.slice(0, top).map((b) => b.demand),
    emerging: findEmerging(calls, built, options.asOf, minCalls),
  };
}

/** The clause of `text` around [from, to): from the previous to the next clause punctuation. */
function clauseText(text: string, from: number, to: number): string {
  let a = from;
  while (a > 0 && !/[,.;:!?，。；：！？、\n]/u.test(text[a - 1] as string)) a--;
  let b = to;
  while (b < text.length && !/[,.;:!?，。；：！？、\n]/u.test(text[b] as string)) b++;
  return text.slice(a, b).trim();
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Demands whose share of calls in the current week (the 7 days up to `asOf`, default the latest
 * call) is at least twice that of the week before (each smoothed by one call) and that came up in
 * at least `minCalls` calls this week; strongest rise first.
 */
function findEmerging(
  calls: readonly DemandMiningCall[],
  demands: ReadonlyArray<{ readonly demand: MinedDemand; readonly callIds: readonly string[] }>,
  asOf: string | undefined,
  minCalls: number,
): EmergingDemand[] {
  const started = new Map<string, number>();
  let latest = Number.NEGATIVE_INFINITY;
  for (const c of calls) {
    const ms = c.startedAt ? Date.parse(c.startedAt) : Number.NaN;
    if (Number.isNaN(ms)) continue;
    started.set(c.callId, ms);
    latest = Math.max(latest, ms);
  }
  if (started.size === 0) return [];
  const end = asOf ? Date.parse(asOf) : latest + 1;
  const weekOf = (ms: number) => (ms >= end - WEEK_MS && ms < end ? 0 : ms >= end - 2 * WEEK_MS && ms < end - WEEK_MS ? 1 : -1);
  const totals = [0, 0];
  for (const ms of started.values()) {
    const w = weekOf(ms);
    if (w >= 0) totals[w]! += 1;
  }
  if (totals[0] === 0) return [];
  const out: EmergingDemand[] = [];
  for (const { demand: d, callIds } of demands) {
    const ids = new Set(callIds);
    const counts = [0, 0];
    for (const id of ids) {
      const ms = started.get(id);
      const w = ms === undefined ? -1 : weekOf(ms);
      if (w >= 0) counts[w]! += 1;
    }
    const growth = (counts[0]! + 1) / (totals[0]! + 1) / ((counts[1]! + 1) / (totals[1]! + 1));
    if (counts[0]! >= minCalls && growth >= 2) {
      out.push({ id: d.id, label: d.label, thisWeek: counts[0]!, lastWeek: counts[1]!, growth: Math.round(growth * 100) / 100 });
    }
  }
  return out.sort((a, b) => b.growth - a.growth || b.thisWeek - a.thisWeek || (a.label < b.label ? -1 : 1));
}
