import { describe } from 'vitest';
import { describeSearchContract } from './search.contract';
import { openPostgresStore, openSqliteStore } from './support/stores';

describe('Search contract: SQLite', () => describeSearchContract(openSqliteStore));
describe('Search contract: PostgreSQL', () => describeSearchContract(() => openPostgresStore()));
// Windows of 3 calls estimated from the newest 2: keyword searches go window by window even on the small fixture.
describe('Search contract: PostgreSQL, windowed keyword search', () =>
  describeSearchContract(() => openPostgresStore({ searchWindow: { calls: 3, sample: 2 } })));
