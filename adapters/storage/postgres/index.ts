export { PostgresCallRepository, openPostgresCallRepository, pgScopeSql, type PostgresCallRepositoryOptions, type SearchWindow } from './postgres.call-repository';
export { migratePostgres, PG_MIGRATIONS, type PgMigration } from './postgres.migrations';
export { tsvectorLiteral, tsConditionOf, tsRankOf } from './postgres.search';
