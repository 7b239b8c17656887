import { describe } from 'vitest';
import { describeCallRepositoryContract } from './call-repository.contract';
import { openPostgresStore, openSqliteStore } from './support/stores';

describe('CallRepository contract: SQLite', () => describeCallRepositoryContract(openSqliteStore));
describe('CallRepository contract: PostgreSQL', () => describeCallRepositoryContract(openPostgresStore));
