export { SqlSealedSecrets, postgresRunner, sqliteRunner, type SqlRunner } from './sql.sealed-secrets';
