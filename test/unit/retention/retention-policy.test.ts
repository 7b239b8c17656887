import { describe, expect, it } from 'vitest';
import { CallsightError } from '../../../core/shared/errors';
import { parseRetentionPolicy } from '../../../core/retention/retention.policy';

const ok = { id: 'default', match: {}, keepDays: 184, then: 'delete' };

describe('parseRetentionPolicy', () => {
  it('accepts a valid policy unchanged', () => {
    const input = { name: 'p', rules: [ok, { id: 'vip', match: { tags: ['vip'], startedWithin: [{ from: '2024-11-01', to: '2024-11-11', name: '双11' }] }, keepDays: 1827, then: 'delete', archiveAfterDays: 366 }] };
    expect(parseRetentionPolicy(input)).toEqual(input);
  });

  it.each([
    ['no rules', { name: 'p', rules: [] }, 'rules: a policy needs at least one rule'],
    ['duplicate ids', { name: 'p', rules: [ok, ok] }, 'rules.1.id: duplicates rule id "default"'],
    ['keepDays 0', { name: 'p', rules: [{ ...ok, keepDays: 0 }] }, 'rules.0.keepDays: keepDays must be at least 1'],
    ['fractional keepDays', { name: 'p', rules: [{ ...ok, keepDays: 1.5 }] }, 'rules.0.keepDays: keepDays must be a whole number of days'],
    ['archive after the end', { name: 'p', rules: [{ ...ok, archiveAfterDays: 184 }] }, 'rules.0.archiveAfterDays: must be less than keepDays'],
    ['archive tier on an archive rule', { name: 'p', rules: [{ ...ok, then: 'archive', archiveAfterDays: 30 }] }, "rules.0.archiveAfterDays: only applies to then: 'delete'"],
    ['unknown expiry', { name: 'p', rules: [{ ...ok, then: 'shred' }] }, 'rules.0.then'],
    ['bad rule id', { name: 'p', rules: [{ ...ok, id: 'Has Spaces' }] }, 'rules.0.id: must be 1-64 characters'],
    ['window backwards', { name: 'p', rules: [{ ...ok, match: { startedWithin: [{ from: '2024-11-11', to: '2024-11-01' }] } }] }, 'rules.0.match.startedWithin.0.to: from must be before to'],
    ['window not a date', { name: 'p', rules: [{ ...ok, match: { startedWithin: [{ from: 'Nov 1', to: '2024-11-11' }] } }] }, 'rules.0.match.startedWithin.0.from: must be a date'],
    ['duration backwards', { name: 'p', rules: [{ ...ok, match: { durationS: { min: 60, max: 5 } } }] }, 'rules.0.match.durationS.max: min must be below max'],
    ['empty tag list', { name: 'p', rules: [{ ...ok, match: { tags: [] } }] }, 'rules.0.match.tags: must list at least one value'],
    ['blank tag', { name: 'p', rules: [{ ...ok, match: { tags: [' '] } }] }, 'rules.0.match.tags.0: must not be empty'],
    ['misspelt criterion', { name: 'p', rules: [{ ...ok, match: { tag: ['vip'] } }] }, 'rules.0.match'],
    ['not an object', 'general', '(root)'],
  ])('rejects %s', (_name, input, message) => {
    let caught: unknown;
    try {
      parseRetentionPolicy(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CallsightError);
    expect((caught as CallsightError).code).toBe('VALIDATION_FAILED');
    expect((caught as CallsightError).message).toContain(message);
    expect((caught as CallsightError).details?.['issues']).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.any(String), message: expect.any(String) })]));
  });
});
