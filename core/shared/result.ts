/** A value or an expected failure; used where failure is an ordinary outcome rather than a bug. */
export type Result<T, E = import('./errors').CallsightError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
