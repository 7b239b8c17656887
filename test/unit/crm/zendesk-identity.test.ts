import { describe, expect, it } from 'vitest';
import { decideZendeskIdentity, parseZendeskIdentitySettings } from '../../../core/crm/zendesk-identity';

const settings = parseZendeskIdentitySettings({
  roles: { 'QA Reviewers': 'qa', 'Team Lead': 'manager', 'Light Agent': 'none' },
  users: {
    '1001': { role: 'agent', agentId: 'a-zhangwei' },
    '1002': { role: 'qa', teams: ['north'] },
    '1003': { role: 'admin' },
    '1004': { role: 'manager', teams: ['south'] },
  },
});

describe('decideZendeskIdentity', () => {
  it.each([
    // user, Zendesk role reported, expected outcome
    ['1001', 'agent', { role: 'agent', agentId: 'a-zhangwei' }],
    ['1001', 'Agent', { role: 'agent', agentId: 'a-zhangwei' }],
    ['1002', 'qa reviewers', { role: 'qa', teams: ['north'] }],
    ['1003', 'admin', { role: 'admin' }],
    ['1004', 'Team Lead', { role: 'manager', teams: ['south'] }],
    ['1001', 'admin', 'zendesk_role_mismatch'], // a forged or stale "admin" claim does not lift an agent
    ['1003', 'agent', 'zendesk_role_mismatch'], // demoted in Zendesk: the old admin mapping stops working
    ['1002', 'Light Agent', 'zendesk_role_not_mapped'],
    ['1001', 'end-user', 'zendesk_role_not_mapped'],
    ['1001', 'Some New Custom Role', 'zendesk_role_not_mapped'],
    ['9999', 'admin', 'user_not_mapped'], // an unmapped user gets nothing, whatever role it reports
    ['constructor', 'agent', 'user_not_mapped'],
  ] as const)('user %s reporting %s -> %j', (userId, zendeskRole, expected) => {
    const decision = decideZendeskIdentity(settings, { userId, zendeskRole });
    if (typeof expected === 'string') expect(decision).toEqual({ allowed: false, reason: expected });
    else expect(decision).toEqual({ allowed: true, grant: expected });
  });
});

describe('parseZendeskIdentitySettings', () => {
  it('reads empty or missing settings as "nobody has rights"', () => {
    expect(parseZendeskIdentitySettings({})).toEqual({ roles: {}, users: {} });
    expect(parseZendeskIdentitySettings(null)).toEqual({ roles: {}, users: {} });
    expect(decideZendeskIdentity(parseZendeskIdentitySettings({}), { userId: '1', zendeskRole: 'admin' })).toEqual({
      allowed: false,
      reason: 'user_not_mapped',
    });
  });

  it('stores role names lower-cased and ignores other provider settings', () => {
    expect(parseZendeskIdentitySettings({ roles: { ' QA Team ': 'qa' }, webhookUrl: 'x' }).roles).toEqual({ 'qa team': 'qa' });
  });

  it.each([
    [{ users: { '12': { role: 'agent' } } }, /agentId/],
    [{ users: { '12': { role: 'qa' } } }, /teams or queues/],
    [{ users: { abc: { role: 'admin' } } }, /users\.abc/],
    [{ users: { '12': { role: 'root' } } }, /users/],
    [{ roles: { admin: 'superuser' } }, /roles/],
    [{ users: { '12': { role: 'admin', extra: true } } }, /users/],
  ])('refuses %j', (value, message) => {
    expect(() => parseZendeskIdentitySettings(value)).toThrow(message);
  });
});
