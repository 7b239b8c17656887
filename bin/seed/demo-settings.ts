import { DEFAULT_DEMAND_CATEGORIES, DEFAULT_LEXICON_PACKS } from '../../core/analysis';
import type { AnalysisSettings } from '../../core/api/analysis.api';

/**
 * The demo tenant's analysis settings, saved through the settings use-case like an admin would. The hub's analysis
 * settings are per tenant, and the demo tenant runs an e-commerce service and a wealth-and-cards service: so the
 * finance pack is the base (its lexicon, with negation: "不保本" is a disclosure, "保本" a promise), the e-commerce
 * sensitive words and demand categories are added as the tenant's own, and the required scripts are the ones every
 * queue must say (recording and privacy notices). Every call is screened with the finance lexicon.
 */
export function demoAnalysisSettings(): AnalysisSettings {
  const general = new Set(DEFAULT_LEXICON_PACKS.general.map((entry) => entry.term));
  return {
    industry: 'finance',
    requiredScripts: ['recording_notice', 'privacy_notice'],
    lexicon: DEFAULT_LEXICON_PACKS.ecommerce
      .filter((entry) => !general.has(entry.term))
      .map((entry) => ({
        term: entry.term,
        ...(entry.category ? { category: entry.category } : {}),
        ...(entry.severity ? { severity: entry.severity } : {}),
        ...(entry.except ? { except: [...entry.except] } : {}),
      })),
    categories: DEFAULT_DEMAND_CATEGORIES.ecommerce.map(({ id, label, phrases }) => ({ id, label, phrases: [...phrases] })),
  };
}
