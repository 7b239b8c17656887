export { openSqliteDatabase } from './sqlite-database';
export { SqliteCallRepository } from './sqlite.call-repository';
export { SqliteProviderAccounts, type ProviderAccountRow } from './sqlite.provider-accounts';
export { migrate, MIGRATIONS } from './migrations';
export { SqliteAuditLog, type AuditQuery } from './sqlite.audit-log';
export { SqliteJobQueue } from './sqlite.job-queue';
export { SqliteTranscriptStore, type StoredTranscript, type CallScreeningRow, type RedactedAudioRow, type AnalysisSettingsRow } from './sqlite.transcripts';
