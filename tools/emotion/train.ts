/**
 * Trains the shipped emotion model (core/analysis/emotion/emotion-model.json) and writes the figures of
 * the run to tools/emotion/last-training.json (copy them into MODEL.md when shipping a new model).
 *
 *   npx tsx tools/emotion/train.ts [--data DIR] [--dialogues FILE] [--only zh|en] [--select] [--dry-run]
 *
 * Per language: multinomial logistic regression (negative / neutral / positive) over the hashed
 * features of core/analysis/emotion/emotion.features.ts (tools/emotion/emotion.trainer.ts), with the
 * settings of tools/emotion/emotion.settings.ts. Every labelled source in DIR is used; its domains
 * (product categories, hotels, Weibo; airlines) are the unit of evaluation:
 *  1. leave-one-domain-out (fit on all domains but one, measure on that one) with the shipped
 *     settings gives the per-domain figures and the out-of-domain logits; `--select` first runs it for
 *     every candidate of emotion.settings.ts and reports which one wins (choose by the macro average;
 *     the candidates are never compared on anything else);
 *  2. a temperature is fitted on all out-of-domain logits (calibration for a domain never seen);
 *  3. the model is fitted on every domain, the temperature folded into its scale and bias, the
 *     weights quantised to int8.
 * Deterministic: seeded shuffles, no clock in the fit (only the `trainedOn` date).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMOTION_LABELS } from '../../core/analysis/emotion/emotion.model';
import { readEmotionDataset, readWeakNeutral, domainsOf, type LabelledText } from './emotion.dataset';
import { featurise, fit, quantise } from './emotion.trainer';
import { leaveOneDomainOut, TASK_OF, type LodoResult } from './emotion.lodo';
import { CANDIDATES, SHIPPED, type LanguageRecipe } from './emotion.settings';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '../../core/analysis/emotion');
const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const dataDir = option('--data') ?? '/work/shared/data/sentiment';
const dialogues = option('--dialogues') ?? '/work/shared/data/dialogues/zh-jddc-chat-sample.tsv';
const only = option('--only');
const select = args.includes('--select');
const dryRun = args.includes('--dry-run');

const labelled = readEmotionDataset(dataDir);
const rowsFor = (recipe: LanguageRecipe): LabelledText[] =>
  recipe.weakNeutral > 0 ? [...labelled, ...readWeakNeutral(dialogues, recipe.weakNeutral)] : labelled;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const describe = (r: LanguageRecipe) =>
  `rate ${r.settings.learningRate}, epochs ${r.settings.epochs}, NB alpha ${r.settings.nbAlpha || 'off'}, min domains ${r.settings.minDomains}, domain power ${r.settings.domainPower}, weak neutral ${r.weakNeutral}`;

function lodoLines(language: 'zh' | 'en', result: LodoResult): string[] {
  return [
    ...result.domains.map((d) => `| ${language} | ${d.domain} | ${d.n} | ${pct(d.accuracy)} | ${d.ece.toFixed(3)} |`),
    `| ${language} | macro average (${result.domains.length} held-out domains) | | ${pct(result.macroAccuracy)} | ${result.ece.toFixed(3)} |`,
    `| ${language} | pooled | ${result.domains.reduce((a, d) => a + d.n, 0)} | ${pct(result.pooledAccuracy)} | |`,
  ];
}

const previous = JSON.parse(readFileSync(join(outDir, 'emotion-model.json'), 'utf8')) as { models: Record<string, unknown> };
const modelJson: Record<string, unknown> = {};
const report: string[] = [];
const selection: string[] = [];
for (const language of ['zh', 'en'] as const) {
  if (only !== undefined && only !== language) {
    modelJson[language] = previous.models[language];
    report.push(`${language}: kept from the previous model file`);
    continue;
  }
  if (select) {
    for (const candidate of CANDIDATES[language]) {
      const r = leaveOneDomainOut(rowsFor(candidate), language, candidate.settings);
      const line = `${language} candidate (${describe(candidate)}): macro ${pct(r.macroAccuracy)}, pooled ${pct(r.pooledAccuracy)}, ECE ${r.ece.toFixed(3)}`;
      selection.push(line);
      console.error(line);
    }
  }
  const recipe = SHIPPED[language];
  const rows = rowsFor(recipe);
  const lodo = leaveOneDomainOut(rows, language, recipe.settings, (line) => console.error(line));
  const domains = domainsOf(rows, language);
  const trainOnly = [...new Set(rows.filter((r) => r.language === language && r.trainOnly).map((r) => r.domain))];
  const examples = featurise(rows.filter((r) => r.language === language), recipe.settings.buckets, [...domains, ...trainOnly]);
  const model = fit(examples, recipe.settings);
  const t = lodo.temperature;
  const q = quantise(model.w);
  modelJson[language] = {
    buckets: recipe.settings.buckets,
    scale: q.scale / t,
    bias: Array.from(model.b, (v) => Number((v / t).toFixed(6))),
    weights: Buffer.from(q.bytes.buffer).toString('base64'),
  };
  report.push(
    `${language}: ${TASK_OF[language]}, fitted on ${examples.length} texts from ${domains.length} domains${trainOnly.length ? ` + ${trainOnly.join(', ')} (train only)` : ''}; ${describe(recipe)}; temperature ${t.toFixed(3)} (fitted on out-of-domain logits)`,
    ...lodoLines(language, lodo),
  );
}

const trainedOn = new Date().toISOString().slice(0, 10);
const model = { format: 'callsight-emotion/1', classes: EMOTION_LABELS, trainedOn, models: modelJson };
const serialised = JSON.stringify(model);
console.error([...selection, ...report].join('\n'));
console.error(`model size ${serialised.length} bytes${dryRun ? ' (dry run: not written)' : ''}`);
if (!dryRun) {
  writeFileSync(join(outDir, 'emotion-model.json'), serialised);
  writeFileSync(join(here, 'last-training.json'), JSON.stringify({ trainedOn, selection, report, sizeBytes: serialised.length }, null, 2) + '\n');
}
