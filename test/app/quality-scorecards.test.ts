import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliActor } from '../../app/shared/actor';
import { scorecardListResponseSchema, scorecardResponseSchema, scorecardSchema } from '../../core/api/quality.api';
import { principal } from './support/audit-spy';
import { once, qualityFixture, type QualityFixture } from './quality-fixtures';

let fx: QualityFixture;
beforeEach(async () => {
  fx = await qualityFixture();
});
afterEach(() => fx.close());

const admin = principal('admin');
const card = {
  id: 'short',
  name: { zh: '简版', en: 'Short' },
  sections: [{ id: 's', label: { zh: '总体', en: 'Overall' }, weight: 1, criteria: [{ id: 'overall', label: { zh: '总体', en: 'Overall' }, kind: 'manual' as const, scale: { kind: 'points' as const, max: 10 } }] }],
};

describe('scorecards', () => {
  it('list-scorecards creates the default card on first use and lists the latest version of each', async () => {
    const { result, event } = await once(fx, () => fx.quality.listScorecards(principal('agent'), undefined));
    expect(scorecardListResponseSchema.parse(result).items).toEqual([expect.objectContaining({ id: 'default', version: 1, versions: 1 })]);
    expect(event).toMatchObject({ action: 'view_scorecards', target: 'scorecards', outcome: 'allowed' });
  });

  it('create-scorecard stores version 1 by the admin; a second create of the id is a CONFLICT', async () => {
    const created = await once(fx, () => fx.quality.createScorecard(admin, card));
    expect(scorecardSchema.parse(created.result)).toMatchObject({ id: 'short', version: 1, createdBy: 'u-admin', changeNote: null });
    expect(created.event).toMatchObject({ action: 'create_scorecard', target: 'scorecard:short', outcome: 'allowed', details: { version: 1 } });
    const again = await once(fx, () => fx.quality.createScorecard(admin, card));
    expect(again.error).toMatchObject({ code: 'CONFLICT' });
    expect(again.event).toMatchObject({ outcome: 'error', reason: 'conflict' });
  });

  it('create-scorecard: an invalid card is VALIDATION_FAILED naming the field; a manager is refused', async () => {
    const bad = await once(fx, () => fx.quality.createScorecard(admin, { ...card, sections: [] }));
    expect(bad.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^Invalid scorecard: sections: /) });
    expect(bad.event).toMatchObject({ outcome: 'error', reason: 'validation_failed' });
    const refused = await once(fx, () => fx.quality.createScorecard(principal('manager'), card));
    expect(refused.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.event).toMatchObject({ outcome: 'denied', reason: 'role_not_permitted' });
  });

  it('get-scorecard returns the latest version with every version; NOT_FOUND for an unknown card', async () => {
    await fx.quality.createScorecard(admin, card);
    await fx.quality.reviseScorecard(admin, { id: 'short', note: 'renamed', name: { zh: '短', en: 'Brief' } });
    const { result, event } = await once(fx, () => fx.quality.getScorecard(principal('qa'), { id: 'short' }));
    expect(scorecardResponseSchema.parse(result)).toMatchObject({ version: 2, name: { en: 'Brief' } });
    expect(result!.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(event).toMatchObject({ action: 'view_scorecards', target: 'scorecard:short', outcome: 'allowed' });
    const missing = await once(fx, () => fx.quality.getScorecard(principal('qa'), { id: 'nope' }));
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.event).toMatchObject({ outcome: 'error', reason: 'not_found' });
  });

  it('get-scorecard-version reads an old version; NOT_FOUND for a version never stored', async () => {
    await fx.quality.createScorecard(admin, card);
    await fx.quality.reviseScorecard(admin, { id: 'short', note: 'renamed', name: { zh: '短', en: 'Brief' } });
    const old = await once(fx, () => fx.quality.getScorecardVersion(principal('agent'), { id: 'short', version: 1 }));
    expect(old.result).toMatchObject({ version: 1, name: { en: 'Short' } });
    expect(old.event).toMatchObject({ outcome: 'allowed', details: { version: 1 } });
    const missing = await once(fx, () => fx.quality.getScorecardVersion(principal('agent'), { id: 'short', version: 9 }));
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND', message: 'No such scorecard version' });
  });

  it('revise-scorecard makes the next version with its note, for the operator too; NOT_FOUND for an unknown card', async () => {
    await fx.quality.createScorecard(admin, card);
    const revised = await once(fx, () => fx.quality.reviseScorecard(cliActor('t1'), { id: 'short', note: 'weights', sections: card.sections }));
    expect(revised.result).toMatchObject({ version: 2, changeNote: 'weights', createdBy: 'cli' });
    expect(revised.event).toMatchObject({ action: 'revise_scorecard', actor: 'cli', role: null, outcome: 'allowed', details: { version: 2 } });
    const missing = await once(fx, () => fx.quality.reviseScorecard(admin, { id: 'nope', note: 'x' }));
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
