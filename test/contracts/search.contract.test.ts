import { describe } from 'vitest';
import { describeSearchContract } from './search.contract';
import { openPostgresStore, openSqliteStore } from './support/stores';

describe('Search contract: SQLite', () => describeSearchContract(openSqliteStore));
describe('Search contract: PostgreSQL', () => describeSearchContract(openPostgresStore));
