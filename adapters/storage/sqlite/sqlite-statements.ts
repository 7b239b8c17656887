import type Database from 'better-sqlite3';

/** Statements kept per connection; the least recently used is dropped past this many (queries built from filters vary). */
const MAX_STATEMENTS_PER_CONNECTION = 512;
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `db.prepare(sql)`, compiled once per connection and SQL text and reused: compiling a statement cost more than
 * running it for the hub's point reads (docs/performance.md). For statements run with `get`, `all` or `run` only,
 * which finish before returning: a statement read with `iterate()` stays busy until its iterator ends and must be
 * prepared on its own. Callers must not change a returned statement's mode (`pluck`, `raw`, `expand`), which
 * every other user of the same SQL would see. SQLite recompiles a kept statement by itself after a schema change.
 */
export function prepared(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (statement) {
    // Map keeps insertion order: moving a hit to the end makes the first key the least recently used.
    cache.delete(sql);
    cache.set(sql, statement);
    return statement;
  }
  statement = db.prepare(sql);
  cache.set(sql, statement);
  if (cache.size > MAX_STATEMENTS_PER_CONNECTION) cache.delete(cache.keys().next().value as string);
  return statement;
}
