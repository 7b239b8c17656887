/**
 * A store result that is either ready (an embedded, synchronous store such as SQLite) or a promise (a networked
 * store such as PostgreSQL). Callers that hold a port always `await` it.
 */
export type Awaitable<T> = T | Promise<T>;

/**
 * Runs `next` after `first` settles without turning a ready value into a promise: a callback that runs inside an
 * embedded store's synchronous transaction must stay synchronous there, and await inside a networked store's.
 */
export function andThen<T>(first: Awaitable<unknown>, next: () => Awaitable<T>): Awaitable<T> {
  return first instanceof Promise ? first.then(next) : next();
}
