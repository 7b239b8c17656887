import { describe, expect, it, vi } from 'vitest';
import { createListenerSet } from '../../../widgets/core/host-bridge';
import { errorCode, HostError } from '../../../widgets/core/host-error';

describe('host bridge helpers', () => {
  it('runs every listener even when one throws, and rethrows that error where the page reports it', async () => {
    const changes = createListenerSet();
    const failure = new Error('listener broke');
    const after = vi.fn();
    changes.subscribe(() => {
      throw failure;
    });
    changes.subscribe(after);
    const reported = new Promise<unknown>((resolve) => {
      const original = globalThis.queueMicrotask;
      vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) =>
        original(() => {
          try {
            task();
          } catch (error) {
            resolve(error);
          }
        }),
      );
    });
    changes.emit();
    expect(after).toHaveBeenCalledTimes(1);
    await expect(reported).resolves.toBe(failure);
    vi.restoreAllMocks();
  });

  it('subscribes the same function twice as two listeners, each with its own unsubscribe', () => {
    const changes = createListenerSet();
    const listener = vi.fn();
    const stopFirst = changes.subscribe(listener);
    changes.subscribe(listener);
    stopFirst();
    changes.emit();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(changes.size).toBe(1);
  });

  it.each([
    [new HostError('SESSION_FAILED', 0, 'x'), 'SESSION_FAILED'],
    [Object.assign(new Error('hub'), { code: 'CALL_NOT_FOUND' }), 'CALL_NOT_FOUND'],
    [Object.assign(new Error('dom'), { code: 20 }), 'FALLBACK'],
    [Object.assign(new Error('odd'), { code: 'lower case' }), 'FALLBACK'],
    ['a string', 'FALLBACK'],
  ])('errorCode(%s) is %s', (error, expected) => {
    expect(errorCode(error, 'FALLBACK')).toBe(expected);
  });
});
