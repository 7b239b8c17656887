import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorizeCallAccess, cliActor, systemActor } from '../../app/calls';
import { callPageSchema, callViewSchema, playbackUrlSchema } from '../../core/api/calls.api';
import { qualityCallScope } from '../../core/access/quality.policy';
import { audioBytes, callsFixture, collectBytes, user } from './calls-fixtures';

let f: Awaited<ReturnType<typeof callsFixture>>;
beforeEach(async () => {
  f = await callsFixture();
});
afterEach(() => f.close());

const ids = (page: { items: { id: string }[] }) => page.items.map((item) => item.id).sort();

describe('calls.list-calls', () => {
  it('lists the tenant\'s calls for an admin in the contract\'s shape, with screening, one allowed event naming the filters', async () => {
    const page = await f.useCases.listCalls(user('admin'), {});
    expect(callPageSchema.safeParse(page).success).toBe(true);
    expect(ids(page)).toEqual(['c01', 'c02', 'c03', 'c04']);
    expect(page.items.find((c) => c.id === 'c01')).toMatchObject({ agentName: 'Zhang Wei', flags: ['SENSITIVE_WORD'], risk: 0.4, customerPhone: '+8613800000000' });
    expect(f.spy.events).toEqual([
      expect.objectContaining({ action: 'list', outcome: 'allowed', actor: 'u-admin', target: null, details: { returned: 4, filters: [] } }),
    ]);
  });

  it('applies the reader\'s scope inside the query: an agent sees only their calls, a manager their teams\'', async () => {
    expect(ids(await f.useCases.listCalls(user('agent', { agentId: 'a2' }), {}))).toEqual(['c02']);
    expect(ids(await f.useCases.listCalls(user('manager', { teams: ['T2'] }), {}))).toEqual(['c03']);
    expect(f.spy.events.map((e) => e.outcome)).toEqual(['allowed', 'allowed']);
  });

  it('masks phone numbers for masked roles', async () => {
    const page = await f.useCases.listCalls(user('qa', { teams: ['T1'] }), { limit: '10' });
    expect(page.items.map((c) => c.customerPhone)).toEqual(expect.arrayContaining([expect.stringContaining('****')]));
    expect(page.items.every((c) => c.customerPhone !== '+8613800000000')).toBe(true);
  });

  it('reads a customer phone in the tenant\'s region and names the filter, never its value, in the audit event', async () => {
    const page = await f.useCases.listCalls(user('admin'), { customerPhone: '139 0000 1111' });
    expect(ids(page)).toEqual(['c03']);
    expect(f.spy.events[0]).toMatchObject({ outcome: 'allowed', details: { returned: 1, filters: ['customerPhone'] } });
    expect(JSON.stringify(f.spy.events)).not.toContain('1111');
  });

  it('refuses a phone that is not a number with VALIDATION_FAILED, without echoing it, one error event', async () => {
    const error = await f.useCases.listCalls(user('admin'), { customerPhone: '12' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid query: customerPhone: not a valid phone number' });
    expect(f.spy.events).toEqual([expect.objectContaining({ action: 'list', outcome: 'error', reason: 'validation_failed' })]);
  });

  it.each([
    [{ speaker: 'agent' }, 'speaker needs q'],
    [{ sort: 'relevance' }, 'sort=relevance needs q'],
    [{ scoreMin: '5', scoreMax: '1' }, 'scoreMin'],
    [{ direction: 'up' }, 'direction'],
    [{ bogus: '1' }, 'bogus'],
  ])('refuses the query %j with VALIDATION_FAILED naming %s, one error event', async (query, fragment) => {
    const error = (await f.useCases.listCalls(user('admin'), query as never).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^Invalid query: /);
    expect(error.message).toContain(fragment);
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'validation_failed' })]);
  });

  it('refuses a role the policy never lets list (auditor): FORBIDDEN, one denied event', async () => {
    await expect(f.useCases.listCalls(user('auditor'), {})).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Your role may not list calls' });
    expect(f.spy.events).toEqual([expect.objectContaining({ action: 'list', outcome: 'denied', reason: 'role_not_permitted', role: 'auditor' })]);
  });

  it('lets the operator (CLI) list every call of the tenant, recorded under its id', async () => {
    expect(ids(await f.useCases.listCalls(cliActor('t1'), {}))).toEqual(['c01', 'c02', 'c03', 'c04']);
    expect(f.spy.events[0]).toMatchObject({ actor: 'cli', role: null, outcome: 'allowed' });
  });
});

describe('calls.get-call', () => {
  it('answers a reachable call as the contract\'s CallView, one allowed event on call:<id> without a reason', async () => {
    const view = await f.useCases.getCall(user('agent', { agentId: 'a1' }), { id: 'c01' });
    expect(callViewSchema.safeParse(view).success).toBe(true);
    expect(view).toMatchObject({ id: 'c01', flags: ['SENSITIVE_WORD'], recording: { format: 'wav', bytes: 1000 } });
    expect(view).not.toHaveProperty('recording.keyId');
    expect(f.spy.events).toEqual([{ tenantId: 't1', actor: 'u-agent', role: 'agent', action: 'view', target: 'call:c01', outcome: 'allowed' }]);
  });

  it.each([
    ['another agent\'s call', 'c02'],
    ['another tenant\'s call', 'c05'],
    ['a call that does not exist', 'c99'],
  ])('answers %s with CALL_NOT_FOUND, one denied event (not_found_or_out_of_scope)', async (_name, id) => {
    await expect(f.useCases.getCall(user('agent', { agentId: 'a1' }), { id })).rejects.toMatchObject({
      code: 'CALL_NOT_FOUND',
      message: 'No call with this id is visible to you',
    });
    expect(f.spy.events).toEqual([expect.objectContaining({ action: 'view', target: `call:${id}`, outcome: 'denied', reason: 'not_found_or_out_of_scope' })]);
  });

  it('refuses a malformed id with VALIDATION_FAILED before any read', async () => {
    await expect(f.useCases.getCall(user('admin'), { id: '../etc' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'validation_failed' })]);
  });
});

describe('calls.play-call', () => {
  it('streams the whole recording after the archive hook ran for the user, one allowed event', async () => {
    const audio = await f.useCases.playCall(user('admin'), { id: 'c01' });
    expect(audio).toMatchObject({ callId: 'c01', format: 'wav', totalBytes: 1000, range: null, redacted: false });
    expect(await collectBytes(audio.chunks)).toEqual(audioBytes(1000));
    expect(f.prepared).toEqual([{ callId: 'c01', userId: 'u-admin' }]);
    expect(f.spy.events).toEqual([expect.objectContaining({ action: 'play', target: 'call:c01', outcome: 'allowed', details: {} })]);
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-10', 990, 999],
    ['bytes=950-5000', 950, 999],
  ])('serves %s byte-exact and records the range', async (range, start, end) => {
    const audio = await f.useCases.playCall(user('admin'), { id: 'c01', range });
    expect(audio.range).toEqual({ start, end });
    expect(await collectBytes(audio.chunks)).toEqual(audioBytes(1000).subarray(start, end + 1));
    expect(f.spy.events[0]).toMatchObject({ outcome: 'allowed', details: { range: `${start}-${end}` } });
  });

  it('refuses a range outside the recording with RANGE_NOT_SATISFIABLE carrying the size, one error event', async () => {
    await expect(f.useCases.playCall(user('admin'), { id: 'c01', range: 'bytes=5000-' })).rejects.toMatchObject({
      code: 'RANGE_NOT_SATISFIABLE',
      details: { size: 1000 },
    });
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'range_not_satisfiable' })]);
  });

  it('refuses a deleted recording with RECORDING_GONE, audited as denied (recording_deleted), before the archive hook', async () => {
    await expect(f.useCases.playCall(user('admin'), { id: 'c04' })).rejects.toMatchObject({ code: 'RECORDING_GONE' });
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'recording_deleted', target: 'call:c04' })]);
    expect(f.prepared).toEqual([]);
  });

  it('fails with RECORDING_INTEGRITY before any byte is handed out when the first chunk does not authenticate', async () => {
    f.audio.corrupt.add('t1/c01');
    await expect(f.useCases.playCall(user('admin'), { id: 'c01' })).rejects.toMatchObject({ code: 'RECORDING_INTEGRITY' });
    expect(f.spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'recording_integrity' })]);
  });

  it('gives a masked reader the redacted copy, and refuses one when the call holds personal data but no copy exists', async () => {
    const qa = user('qa', { teams: ['T1'] });
    f.analysesWithPii.add('c02');
    await expect(f.useCases.playCall(qa, { id: 'c02' })).rejects.toMatchObject({ code: 'REDACTION_UNAVAILABLE' });
    expect(f.spy.events.at(-1)).toMatchObject({ outcome: 'denied', reason: 'redaction_unavailable' });

    f.audio.put('t1', 'c02-redacted', audioBytes(500));
    f.redactedCopies.set('c02', { recordingId: 'c02-redacted', keyId: 'k-r', bytes: 500, sha256: 'x', format: 'wav', spans: 1 });
    const audio = await f.useCases.playCall(qa, { id: 'c02' });
    expect(audio).toMatchObject({ totalBytes: 500, redacted: true });
    expect((await collectBytes(audio.chunks)).length).toBe(500);
    expect(f.spy.events.at(-1)).toMatchObject({ outcome: 'allowed', details: { redacted: true } });
    expect(f.spy.events).toHaveLength(2);
  });

  it('plays the original to a masked reader when the call holds no spoken personal data', async () => {
    const audio = await f.useCases.playCall(user('qa', { teams: ['T1'] }), { id: 'c01' });
    expect(audio.redacted).toBe(false);
  });

  it('answers a call out of reach with CALL_NOT_FOUND, and the system (no user) with FORBIDDEN, one denied event each', async () => {
    await expect(f.useCases.playCall(user('manager', { teams: ['T2'] }), { id: 'c01' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(f.useCases.playCall(systemActor('t1', 'worker'), { id: 'c01' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.spy.events.map((e) => [e.outcome, e.reason])).toEqual([
      ['denied', 'not_found_or_out_of_scope'],
      ['denied', 'user_only'],
    ]);
  });
});

describe('calls.issue-playback-link', () => {
  it('issues a token bound to the user and call, audited with its expiry', async () => {
    const link = await f.useCases.issuePlaybackLink(user('agent', { agentId: 'a1' }), { id: 'c01' });
    expect(link).toEqual({ token: 'tok.u-agent.c01', expiresAt: '2026-06-01T12:05:00.000Z' });
    expect(playbackUrlSchema.safeParse({ url: `/api/v1/playback/${link.token}`, expiresAt: link.expiresAt }).success).toBe(true);
    expect(f.spy.events).toEqual([
      expect.objectContaining({ action: 'issue_playback_url', target: 'call:c01', outcome: 'allowed', details: { expiresAt: link.expiresAt } }),
    ]);
  });

  it('refuses a call out of reach (CALL_NOT_FOUND) and a role that may not play (FORBIDDEN), one denied event each', async () => {
    await expect(f.useCases.issuePlaybackLink(user('agent', { agentId: 'a1' }), { id: 'c03' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    await expect(f.useCases.issuePlaybackLink(user('auditor'), { id: 'c01' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(f.spy.events.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['issue_playback_url', 'denied', 'not_found_or_out_of_scope'],
      ['issue_playback_url', 'denied', 'role_not_permitted'],
    ]);
  });
});

describe('calls.find-customers-with-calls', () => {
  it('keeps the customers with a call in reach, in the order given, and records counts only', async () => {
    const customers = [
      { phone: '+8613900001111', name: 'A' },
      { phone: '+8613700000000', name: 'B' },
      { phone: '13800000000', name: 'C' },
    ];
    expect(await f.useCases.findCustomersWithCalls(cliActor('t1'), { customers })).toEqual([customers[0], customers[2]]);
    expect(await f.useCases.findCustomersWithCalls(user('agent', { agentId: 'a3' }), { customers })).toEqual([customers[0]]);
    expect(f.spy.events.map((e) => e.details)).toEqual([
      { customers: 3, withCalls: 2 },
      { customers: 3, withCalls: 1 },
    ]);
  });
});

describe('authorizeCallAccess (the one "load the call or deny as absent" check other capabilities use)', () => {
  it('allows a call in the scope with the call as subject, and denies as absent otherwise', async () => {
    const qa = user('qa', { teams: ['T2'] });
    const allowed = await authorizeCallAccess(f.repo, qa, 'c03', qualityCallScope(qa, 'evaluate'));
    expect(allowed).toMatchObject({ allowed: true, subject: { id: 'c03' }, target: 'call:c03' });
    const denied = await authorizeCallAccess(f.repo, qa, 'c01', 'view_transcript');
    expect(denied).toMatchObject({ allowed: false, reason: 'not_found_or_out_of_scope', target: 'call:c01', error: { code: 'CALL_NOT_FOUND' } });
    expect(await authorizeCallAccess(f.repo, cliActor('t1'), 'c02', 'delete')).toMatchObject({ allowed: true });
  });
});

describe('review assignments', () => {
  it('let a QA reviewer view and play a call assigned to them outside their teams and queues', async () => {
    const reviewer = user('qa', { teams: ['T9'] });
    await expect(f.useCases.getCall(reviewer, { id: 'c03' })).rejects.toMatchObject({ code: 'CALL_NOT_FOUND' });
    f.assignReview('c03', 'u-qa');
    await expect(f.useCases.getCall(reviewer, { id: 'c03' })).resolves.toMatchObject({ id: 'c03', customerPhone: expect.stringContaining('****') });
    await expect(f.useCases.playCall(reviewer, { id: 'c03' })).resolves.toMatchObject({ callId: 'c03' });
  });
});
