/**
 * The settings the shipped emotion model is fitted with, per language, as chosen by
 * leave-one-domain-out accuracy (`npx tsx tools/emotion/train.ts --select` prints the candidates'
 * figures; docs/decisions/emotion-model.md records them). bench/emotion.bench.ts measures exactly
 * these settings, so the benchmark and the shipped model never drift apart.
 */
import { hashString } from '../../core/shared/clock.port';
import type { FitSettings } from './emotion.trainer';

export interface LanguageRecipe {
  readonly settings: FitSettings;
  /** Weakly labelled neutral rows (JDDC agent turns) added to the fit; 0 for none. */
  readonly weakNeutral: number;
}

const common = { learningRate: 0.2, l2: 0, domainPower: 0, classPower: 0, lengthPower: 0.5, minAgreement: 0 } as const;

export const SHIPPED: Readonly<Record<'zh' | 'en', LanguageRecipe>> = {
  zh: {
    settings: { ...common, learningRate: 0.05, buckets: 1 << 18, epochs: 3, nbAlpha: 0, minDomains: 3, seed: hashString('callsight-emotion-zh') },
    weakNeutral: 6000,
  },
  en: {
    settings: { ...common, buckets: 1 << 17, epochs: 1, nbAlpha: 0.5, minDomains: 1, seed: hashString('callsight-emotion-en') },
    weakNeutral: 0,
  },
};

/** Candidates compared by `train.ts --select` (each one leave-one-domain-out run). */
export const CANDIDATES: Readonly<Record<'zh' | 'en', readonly LanguageRecipe[]>> = {
  zh: [
    // The previous model's recipe (NB 0.5, 1 epoch at rate 0.2, every feature, no weak labels).
    { settings: { ...SHIPPED.zh.settings, learningRate: 0.2, epochs: 1, nbAlpha: 0.5, minDomains: 1 }, weakNeutral: 0 },
    { settings: { ...SHIPPED.zh.settings, learningRate: 0.2, epochs: 1, nbAlpha: 0, minDomains: 3 }, weakNeutral: 0 },
    { settings: { ...SHIPPED.zh.settings, learningRate: 0.2, epochs: 1, nbAlpha: 0, minDomains: 3 }, weakNeutral: 6000 },
    { settings: SHIPPED.zh.settings, weakNeutral: 0 },
    SHIPPED.zh,
  ],
  en: [
    { settings: SHIPPED.en.settings, weakNeutral: 0 },
    { settings: { ...SHIPPED.en.settings, epochs: 2 }, weakNeutral: 0 },
    { settings: { ...SHIPPED.en.settings, nbAlpha: 0 }, weakNeutral: 0 },
    { settings: { ...SHIPPED.en.settings, minDomains: 3 }, weakNeutral: 0 },
  ],
};
