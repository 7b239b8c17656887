import { describe } from 'vitest';
import { describeSearchContract } from './search.contract';
import { openPostgresStore, openSqliteStore } from './support/stores';

describe('Search contract: SQLite', () => describeSearchContract(openSqliteStore));
describe('Search contract: PostgreSQL', () => describeSearchContract(() => openPostgresStore()));
// Windows of 3 calls estimated from the newest 2, and walks of an agent's newest 2 calls: keyword searches go
// window by window, and agent searches fall back from the walk to the bitmaps, even on the small fixture.
describe('Search contract: PostgreSQL, windowed keyword search', () =>
  describeSearchContract(() => openPostgresStore({ searchWindow: { calls: 3, sample: 2, walk: 2 } })));
