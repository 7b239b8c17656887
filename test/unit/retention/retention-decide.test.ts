import { describe, expect, it } from 'vitest';
import { isCallsightError } from '../../../core/shared/errors';
import { decideRetention } from '../../../core/retention/retention.decide';
import { parseRetentionPolicy, type RetentionRule } from '../../../core/retention/retention.policy';
import { makeCall } from './fixtures';

const NOW = new Date('2030-01-01T00:00:00Z');
const policyOf = (...rules: RetentionRule[]) => parseRetentionPolicy({ name: 'test', rules });
const rule = (id: string, keepDays: number, then: 'archive' | 'delete', match: RetentionRule['match'] = {}, extra: Partial<RetentionRule> = {}): RetentionRule => ({ id, match, keepDays, then, ...extra });

describe('when several rules match', () => {
  it.each([
    ['the longest keep wins, wherever it is in the list', [rule('short', 100, 'delete'), rule('long', 400, 'delete')], 'long'],
    ['the longest keep wins even when listed first', [rule('long', 400, 'delete'), rule('short', 100, 'delete')], 'long'],
    ['archive (kept indefinitely) beats any delete', [rule('delete-late', 3000, 'delete'), rule('archive-early', 30, 'archive')], 'archive-early'],
    ['between archive rules, the later archive wins', [rule('archive-30', 30, 'archive'), rule('archive-90', 90, 'archive')], 'archive-90'],
    ['equal keep and expiry: the earlier rule wins', [rule('first', 200, 'delete'), rule('second', 200, 'delete', {}, { archiveAfterDays: 10 })], 'first'],
    ['a rule that does not match never counts', [rule('vip', 3000, 'delete', { tags: ['vip'] }), rule('default', 100, 'delete')], 'default'],
  ] as const)('%s', (_name, rules, winner) => {
    expect(decideRetention(makeCall(), policyOf(...rules), [], NOW).ruleId).toBe(winner);
  });

  it('a misdial follows the misdial rule even when a longer rule matches it', () => {
    const policy = policyOf(rule('vip', 3000, 'delete', { tags: ['vip'] }), rule('misdial', 7, 'delete', { misdial: true }));
    expect(decideRetention(makeCall({ durationS: 2, tags: ['vip'] }), policy, [], NOW).ruleId).toBe('misdial');
    expect(decideRetention(makeCall({ durationS: 20, tags: ['vip'] }), policy, [], NOW).ruleId).toBe('vip');
  });

  it('a misdial with no misdial rule follows the ordinary rules', () => {
    expect(decideRetention(makeCall({ durationS: 2 }), policyOf(rule('default', 100, 'delete')), [], NOW).ruleId).toBe('default');
  });

  it('misdial: false matches only real calls', () => {
    const policy = policyOf(rule('real', 100, 'delete', { misdial: false }));
    expect(decideRetention(makeCall({ durationS: 2 }), policy, [], NOW)).toMatchObject({ action: 'keep', ruleId: null, basis: 'no_rule' });
  });
});

describe('rule criteria', () => {
  const cases: [string, RetentionRule['match'], Parameters<typeof makeCall>[0], boolean][] = [
    ['tags: any of them', { tags: ['complaint', 'vip'] }, { tags: ['VIP'] }, true],
    ['tags: none of them', { tags: ['complaint'] }, { tags: ['vip'] }, false],
    ['inquiry type', { inquiryTypes: ['物流延迟'] }, { inquiryType: '物流延迟' }, true],
    ['inquiry type missing on the call', { inquiryTypes: ['物流延迟'] }, { inquiryType: null }, false],
    ['direction', { directions: ['outbound'] }, { direction: 'inbound' }, false],
    ['channel', { channels: ['ivr'] }, { channel: 'ivr' }, true],
    ['team', { teams: ['Team-A'] }, { team: 'team-a' }, true],
    ['team unknown', { teams: ['team-a'] }, { team: null }, false],
    ['queue', { queues: ['q-1'] }, {}, true],
    ['agent', { agentIds: ['ag-2'] }, {}, false],
    ['duration min inclusive', { durationS: { min: 180 } }, { durationS: 180 }, true],
    ['duration max exclusive', { durationS: { max: 180 } }, { durationS: 180 }, false],
    ['window by instants, end exclusive', { startedWithin: [{ from: '2024-01-10T00:00:00Z', to: '2024-01-10T15:00:00Z' }] }, {}, false],
    ['window by dates, end day included', { startedWithin: [{ from: '2024-01-01', to: '2024-01-10' }] }, {}, true],
    ['any of several windows', { startedWithin: [{ from: '2023-01-01', to: '2023-01-02' }, { from: '2024-01-10', to: '2024-01-10' }] }, {}, true],
    ['all criteria together (AND)', { tags: ['vip'], directions: ['inbound'], teams: ['team-b'] }, { tags: ['vip'] }, false],
  ];
  it.each(cases)('%s', (_name, match, call, matches) => {
    const decision = decideRetention(makeCall(call), policyOf(rule('r', 100, 'delete', match)), [], NOW);
    expect(decision.ruleId).toBe(matches ? 'r' : null);
  });
});

describe('decision details', () => {
  it('keeps a call no rule covers, with no date', () => {
    expect(decideRetention(makeCall(), policyOf(rule('vip', 10, 'delete', { tags: ['vip'] })), [], NOW)).toEqual({ action: 'keep', at: null, ruleId: null, basis: 'no_rule' });
  });

  it('does nothing to a tombstone', () => {
    expect(decideRetention(makeCall({ status: 'deleted' }), policyOf(rule('d', 1, 'delete')), [], NOW)).toMatchObject({ action: 'keep', basis: 'already_deleted' });
  });

  it('applies a changed policy to calls already stored (no memory of the old one)', () => {
    const call = makeCall({ startedAt: '2024-01-10T15:00:00Z' });
    const now = new Date('2024-06-01T00:00:00Z');
    expect(decideRetention(call, policyOf(rule('d', 366, 'delete')), [], now).action).toBe('keep');
    expect(decideRetention(call, policyOf(rule('d', 90, 'delete')), [], now)).toMatchObject({ action: 'delete', at: '2024-04-10T00:00:00.000Z' });
  });

  it('refuses a call without a usable start, naming only its id', () => {
    try {
      decideRetention(makeCall({ startedAt: 'yesterday' }), policyOf(rule('d', 1, 'delete')), [], NOW);
      expect.unreachable();
    } catch (error) {
      expect(isCallsightError(error) && error.code).toBe('VALIDATION_FAILED');
      expect(String(error)).toMatch(/Call c-1 has no valid startedAt/);
      expect(String(error)).not.toMatch(/138/);
    }
  });

  it('refuses an invalid now', () => {
    expect(() => decideRetention(makeCall(), policyOf(rule('d', 1, 'delete')), [], new Date('nope'))).toThrow(/now is not a valid date/);
  });
});
