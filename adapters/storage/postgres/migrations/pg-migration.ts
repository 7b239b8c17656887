/** A PostgreSQL schema migration; once released never edited. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
