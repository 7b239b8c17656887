import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepared } from '../../adapters/storage/sqlite/sqlite-statements';
import { openTestSqlite } from './support/databases';

/** The per-connection statement cache the SQLite stores prepare through. */
let a: ReturnType<typeof openTestSqlite>;
let b: ReturnType<typeof openTestSqlite>;
beforeAll(() => {
  a = openTestSqlite();
  b = openTestSqlite();
});
afterAll(() => {
  a.close();
  b.close();
});

describe('SQLite prepared statements', () => {
  it('compiles a SQL text once per connection and keeps connections apart', () => {
    const first = prepared(a.db, 'SELECT 1 AS n');
    expect(prepared(a.db, 'SELECT 1 AS n')).toBe(first);
    expect(prepared(b.db, 'SELECT 1 AS n')).not.toBe(first);
    expect(prepared(b.db, 'SELECT 1 AS n').get()).toEqual({ n: 1 });
  });

  it('drops the least recently used statement past 512, keeping the ones still in use', () => {
    const kept = prepared(a.db, 'SELECT 0 AS n');
    const dropped = prepared(a.db, 'SELECT -1 AS n');
    for (let i = 1; i <= 511; i++) {
      prepared(a.db, `SELECT ${i} AS n`);
      if (i % 100 === 0) prepared(a.db, 'SELECT 0 AS n');
    }
    expect(prepared(a.db, 'SELECT 0 AS n')).toBe(kept);
    expect(prepared(a.db, 'SELECT -1 AS n')).not.toBe(dropped);
    expect(dropped.get()).toEqual({ n: -1 });
  });

  it('answers from the schema as it is now after a change to a table it reads', () => {
    a.db.exec('CREATE TABLE kept_t (x INTEGER)');
    a.db.exec('INSERT INTO kept_t VALUES (1)');
    expect(prepared(a.db, 'SELECT * FROM kept_t').all()).toEqual([{ x: 1 }]);
    a.db.exec('ALTER TABLE kept_t ADD COLUMN y TEXT');
    expect(prepared(a.db, 'SELECT * FROM kept_t').all()).toEqual([{ x: 1, y: null }]);
  });
});
