import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { allow, bindUseCases, defineUseCase, deny } from '../../app/shared/use-case';
import { cliActor } from '../../app/shared/actor';
import { CallsightError } from '../../core/shared/errors';
import { auditSpy, principal } from './support/audit-spy';

interface NotesDeps {
  readonly notes: Map<string, { owner: string; text: string }>;
}

const readNote = defineUseCase({
  name: 'test.read-note',
  action: 'view',
  permission: 'view',
  input: z.object({ id: z.string().min(1) }).strict(),
  invalidInput: 'Invalid note request',
  target: (input) => `note:${input.id}`,
  authorize: ({ deps, actor, input }: { deps: NotesDeps; actor: import('../../app/shared/actor').Actor; input: { id: string } }) => {
    const note = deps.notes.get(input.id);
    if (!note || ('userId' in actor && actor.role !== 'admin' && note.owner !== actor.userId)) {
      return deny('not_found_or_out_of_scope', new CallsightError('NOT_FOUND', 'No note with this id is visible to you'));
    }
    return allow(note, 'own_note');
  },
  run: ({ subject }) => {
    if (subject.text === 'boom') throw new CallsightError('CONFLICT', 'The note is being edited');
    if (subject.text === 'crash') throw new Error('disk on fire');
    return { text: subject.text };
  },
  audited: (output) => ({ details: { length: output.text.length } }),
});

const sweep = defineUseCase({
  name: 'test.sweep',
  action: 'retention_sweep',
  permission: 'system',
  run: () => 'swept',
});

function setup() {
  const spy = auditSpy();
  const notes = new Map([
    ['n1', { owner: 'u-agent', text: 'hello' }],
    ['n2', { owner: 'u-other', text: 'boom' }],
    ['n3', { owner: 'u-agent', text: 'crash' }],
  ]);
  const cases = bindUseCases({ readNote, sweep }, { notes, audit: spy.audit });
  return { spy, cases };
}

describe('a use-case writes exactly one audit event whatever the outcome', () => {
  it('allowed: the event carries the decision reason, the target and the details of the output', async () => {
    const { spy, cases } = setup();
    await expect(cases.readNote(principal('agent'), { id: 'n1' })).resolves.toEqual({ text: 'hello' });
    expect(spy.events).toEqual([
      { tenantId: 't1', actor: 'u-agent', role: 'agent', action: 'view', target: 'note:n1', outcome: 'allowed', reason: 'own_note', details: { length: 5 } },
    ]);
  });

  it('a role without the permission: FORBIDDEN before the input is even read, recorded as denied', async () => {
    const { spy, cases } = setup();
    const error = await cases.readNote(principal('auditor'), { id: 'n1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'Your role (auditor) may not view' });
    expect(spy.events).toMatchObject([{ outcome: 'denied', reason: 'role_not_permitted', target: 'note:n1', role: 'auditor' }]);
  });

  it('invalid input: VALIDATION_FAILED naming the problem, recorded as an error', async () => {
    const { spy, cases } = setup();
    const error = await cases.readNote(principal('agent'), { id: '' } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((error as Error).message).toMatch(/^Invalid note request: id: /);
    expect(spy.events).toMatchObject([{ outcome: 'error', reason: 'validation_failed', target: null }]);
  });

  it('an object-level denial: the decision error, recorded once as denied with its reason', async () => {
    const { spy, cases } = setup();
    await expect(cases.readNote(principal('agent'), { id: 'n2' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(spy.events).toMatchObject([{ outcome: 'denied', reason: 'not_found_or_out_of_scope' }]);
    expect(spy.events).toHaveLength(1);
  });

  it('an expected failure in run: the error unchanged, recorded as an error with its code', async () => {
    const { spy, cases } = setup();
    await expect(cases.readNote(principal('admin'), { id: 'n2' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(spy.events).toMatchObject([{ outcome: 'error', reason: 'conflict' }]);
  });

  it('an unexpected failure: rethrown, recorded as an internal error without its message', async () => {
    const { spy, cases } = setup();
    await expect(cases.readNote(principal('agent'), { id: 'n3' })).rejects.toThrow('disk on fire');
    expect(spy.events).toEqual([expect.objectContaining({ outcome: 'error', reason: 'internal' })]);
    expect(JSON.stringify(spy.events)).not.toContain('fire');
  });

  it('a system-only use-case: refused to every role, run for the operator, who is recorded without a role', async () => {
    const { spy, cases } = setup();
    await expect(cases.sweep(principal('admin'), undefined)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(cases.sweep(cliActor('t1'), undefined)).resolves.toBe('swept');
    expect(spy.events).toMatchObject([
      { outcome: 'denied', reason: 'system_only', actor: 'u-admin', role: 'admin' },
      { outcome: 'allowed', actor: 'cli', role: null, action: 'retention_sweep' },
    ]);
  });

  it('a use-case that writes its allowed event in its own transaction: the wrapper writes nothing more', async () => {
    const committed: unknown[] = [];
    const spy = auditSpy();
    const remove = defineUseCase({
      name: 'test.remove',
      action: 'delete',
      permission: 'delete',
      run: ({ input, takeAllowedEvent }: import('../../app/shared/use-case').RunContext<object, { fail: boolean }, undefined>) => {
        const transaction: unknown[] = [{ tombstone: true }, takeAllowedEvent({ reason: 'admin_request', details: { certificate: 'deletion' } })];
        if (input.fail) throw new CallsightError('CONFLICT', 'rolled back'); // the transaction, event included, is dropped
        committed.push(...transaction);
        return 'deleted';
      },
    });
    const cases = bindUseCases({ remove }, { audit: spy.audit });
    await expect(cases.remove(principal('admin'), { fail: false })).resolves.toBe('deleted');
    expect(spy.events).toEqual([]);
    expect(committed[1]).toMatchObject({ action: 'delete', outcome: 'allowed', reason: 'admin_request', actor: 'u-admin', details: { certificate: 'deletion' } });
    await expect(cases.remove(principal('admin'), { fail: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(spy.events).toMatchObject([{ action: 'delete', outcome: 'error', reason: 'conflict' }]);
    expect(committed).toHaveLength(2);
  });

  it('a failed audit write fails the action: nothing happens unlogged', async () => {
    const cases = bindUseCases({ sweep }, { audit: async () => { throw new Error('audit store down'); } });
    await expect(cases.sweep(cliActor('t1'), undefined)).rejects.toThrow('audit store down');
  });
});
