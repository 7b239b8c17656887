export { PostgresCallRepository, openPostgresCallRepository, pgScopeSql, type PostgresCallRepositoryOptions } from './postgres.call-repository';
export { migratePostgres, PG_MIGRATIONS, type PgMigration } from './postgres.migrations';
export { tsvectorLiteral, tsConditionOf, tsRankOf } from './postgres.search';
