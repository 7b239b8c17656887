/**
 * npx tsx bench/analysis.bench.ts [--transcripts 400] [--seconds 3]
 *
 * Five-minute bilingual transcripts (seeded; Chinese turns from /work/shared/data/dialogues/
 * zh-jddc-chat-sample.tsv, English turns from templates), a 1,000-term tenant lexicon on top of
 * the finance pack. Measures on one core (single thread): transcripts/s for the full
 * analyzeTranscript, for sensitive-word matching (normalisation + one Aho-Corasick pass), and for
 * a one-regex-per-term baseline over the same normalised text, in the same run.
 * Goal: >= 5,000 transcripts/s and >= 10x the baseline.
 */
import { readFileSync } from 'node:fs';
import { createSeededRandom } from '../core/shared/clock.port';
import { analyzeTranscript, buildAnalysisConfig, type Segment, type Transcript } from '../core/analysis/index';
import { prepareSegments } from '../core/analysis/text/segment-text';
import { findSensitiveWords } from '../core/analysis/lexicon/sensitive-words';
import { isLatinWordChar, normalizeTerm } from '../core/analysis/text/normalize';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const TRANSCRIPTS = arg('--transcripts', 400);
const SECONDS = arg('--seconds', 3);
const rand = createSeededRandom('callsight-analysis-bench');
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand.next() * list.length)] as T;

const tsv = readFileSync('/work/shared/data/dialogues/zh-jddc-chat-sample.tsv', 'utf8').split('\n');
const sessions = new Map<string, Array<{ speaker: 'agent' | 'customer'; text: string }>>();
for (const line of tsv) {
  const cols = line.split('\t');
  if (cols.length < 7) continue;
  const list = sessions.get(cols[0] as string) ?? [];
  list.push({ speaker: cols[2] === '1' ? 'agent' : 'customer', text: cols.slice(6).join(' ') });
  sessions.set(cols[0] as string, list);
}
const zhSessions = [...sessions.values()].filter((s) => s.length >= 6);

const EN_AGENT = [
  'Thank you for calling, this call may be recorded for quality purposes.',
  'Let me pull up your account, could you confirm your date of birth please?',
  'I understand, I am sorry for the inconvenience, let me check the shipping status.',
  'I can see the order left our warehouse on Monday and should arrive by Friday.',
  'I have issued a refund, it usually takes three to five business days to appear.',
  'Is there anything else I can help you with today?',
  'Our premium plan offers a guaranteed return of five percent, it is basically risk free.',
  'Please remember that investments carry risk and past performance is not a guarantee.',
];
const EN_CUSTOMER = [
  'Hi, I am calling about my order, it still has not arrived.',
  'This is the third time I am calling and nobody has helped me.',
  'My card number is 4111 1111 1111 1111 if you need it.',
  'You can reach me on 138 1234 5678 or at jane.doe@example.com.',
  'Okay, thank you, that is really helpful.',
  'The refund process is too complicated, I just want my money back.',
  'I want to speak to a manager, this is ridiculous.',
  'Sure, my date of birth is the fourth of July.',
];
const ZH_EXTRA = ['本次通话将录音，请问有什么可以帮您', '这个产品保本，稳赚不赔', '我的卡号是6222021234567890128', '理财有风险，投资需谨慎', '手机幺三八一二三四五六七八'];

function makeTranscript(i: number): Transcript {
  const zh = i % 2 === 0;
  const segments: Segment[] = [];
  let t = 0;
  const session = pick(zhSessions);
  let turn = 0;
  while (t < 300) {
    let speaker: 'agent' | 'customer';
    let text: string;
    if (zh) {
      const s = session[turn % session.length] as { speaker: 'agent' | 'customer'; text: string };
      speaker = s.speaker;
      text = rand.next() < 0.05 ? pick(ZH_EXTRA) : s.text;
    } else {
      speaker = turn % 2 === 0 ? 'agent' : 'customer';
      text = pick(speaker === 'agent' ? EN_AGENT : EN_CUSTOMER);
    }
    const durationS = 2 + rand.next() * 6;
    const startS = Math.max(0, t - (rand.next() < 0.15 ? 1 : 0));
    segments.push({ speaker, startS, endS: startS + durationS, text });
    t = startS + durationS + rand.next() * 1.5;
    turn++;
  }
  return { language: zh ? 'zh' : 'en', segments };
}

const HAN = [...new Set(zhSessions.flat().map((s) => s.text).join('').replace(/[^\u4e00-\u9fff]/gu, ''))];
const EN_WORDS = 'alpha bravo crimson delta ember falcon granite harbor ivory jasper kestrel lumen meridian nova orbit prism quartz raven summit tundra umber vector willow xenon yonder zephyr'.split(' ');
const lexicon: string[] = [];
while (lexicon.length < 1000) {
  lexicon.push(
    rand.next() < 0.6
      ? Array.from({ length: 2 + Math.floor(rand.next() * 3) }, () => pick(HAN)).join('')
      : `${pick(EN_WORDS)} ${pick(EN_WORDS)}`,
  );
}

const transcripts = Array.from({ length: TRANSCRIPTS }, (_, i) => makeTranscript(i));
const chars = transcripts.reduce((n, tr) => n + tr.segments.reduce((m, s) => m + s.text.length, 0), 0);
const t0 = performance.now();
const config = buildAnalysisConfig({ industry: 'finance', lexicon });
const buildMs = performance.now() - t0;

function measure(label: string, fn: (tr: Transcript) => unknown): number {
  for (const tr of transcripts.slice(0, 50)) fn(tr);
  let done = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (const tr of transcripts) fn(tr);
    done += transcripts.length;
  }
  const perS = done / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(44)} ${perS.toFixed(0).padStart(8)} transcripts/s`);
  return perS;
}

// Baseline: one regex per term over the same normalised text (normalisation is shared, so the
// comparison is matching strategy only), with \b-style checks for Latin edges like the automaton.
const baselineTerms = [...new Set([...config.lexicon.terms.slice(0, config.lexicon.termCount).map((t) => normalizeTerm(t.entry.term))])];
const baselineRegexes = baselineTerms.map((term) => {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  return new RegExp(escaped, 'gu');
});
function baseline(tr: Transcript): number {
  return baselineOnPrepared(prepareSegments(tr.segments));
}
function baselineOnPrepared(prepared: ReturnType<typeof prepareSegments>): number {
  let hits = 0;
  for (const p of prepared) {
    const { text, wordStart } = p.normalized;
    for (let k = 0; k < baselineRegexes.length; k++) {
      const re = baselineRegexes[k] as RegExp;
      const term = baselineTerms[k] as string;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const from = m.index;
        const to = from + term.length;
        if (isLatinWordChar(term[0] as string) && wordStart[from] !== 1) continue;
        if (isLatinWordChar(term[term.length - 1] as string) && to < text.length && wordStart[to] !== 1) continue;
        hits++;
      }
    }
  }
  return hits;
}

console.log(`transcripts: ${TRANSCRIPTS} (half zh, half en), ~${Math.round(chars / TRANSCRIPTS)} chars and ~${Math.round(transcripts.reduce((n, tr) => n + tr.segments.length, 0) / TRANSCRIPTS)} segments each, 300 s long`);
console.log(`lexicon: ${config.lexicon.termCount} terms (1,000 tenant + finance pack); config build ${buildMs.toFixed(0)} ms (once per tenant)`);
const acHits = transcripts.reduce((n, tr) => n + findSensitiveWords(config.lexicon, prepareSegments(tr.segments)).length, 0);
const reHits = transcripts.reduce((n, tr) => n + baseline(tr), 0);
console.log(`hits: automaton ${acHits}, baseline ${reHits} (baseline also counts hits nested in longer ones)`);
const full = measure('full analyzeTranscript', (tr) => analyzeTranscript(tr, config));
const matching = measure('sensitive words (normalise + automaton)', (tr) => findSensitiveWords(config.lexicon, prepareSegments(tr.segments)));
const regex = measure('baseline: one regex per term (same normalise)', baseline);
const preparedAll = new Map(transcripts.map((tr) => [tr, prepareSegments(tr.segments)]));
measure('normalisation alone', (tr) => prepareSegments(tr.segments));
const acOnly = measure('matching only: automaton (pre-normalised)', (tr) => findSensitiveWords(config.lexicon, preparedAll.get(tr) ?? []));
const reOnly = measure('matching only: regex per term (pre-normalised)', (tr) => baselineOnPrepared(preparedAll.get(tr) ?? []));
console.log(`ratio automaton / regex baseline: ${(matching / regex).toFixed(1)}x with normalisation, ${(acOnly / reOnly).toFixed(1)}x matching only (goal >= 10x)`);
console.log(`full analysis: ${full.toFixed(0)} transcripts/s per core (goal >= 5,000)`);
