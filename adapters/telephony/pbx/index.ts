export { DropFolderWatcher, type CdrSource, type DropFolderDeps, type DropFolderOptions, type PassReport } from './drop-folder.watcher';
export { SqliteDropLedger, PostgresDropLedger, type PgQueryable } from './drop-ledger.stores';
export type { CdrSourceMark, DropFileRow, DropFileState, DropLedger } from './drop-ledger.port';
export {
  ASTERISK_MASTER_COLUMNS,
  FREESWITCH_DEFAULT_COLUMNS,
  cdrDecoder,
  cdrFromJson,
  cdrFromRow,
  completeCsvRows,
  parseColumnList,
  parseCsv,
  type PbxCdr,
  type PbxKind,
} from './cdr.parsers';
export { CDR_MISSING_TAG, callMetadataOf, callMetadataWithoutCdr, extensionOfChannel, uniqueIdOfRecording, type PbxCallMetadata } from './cdr.mapping';
export { mp3TruncationOf } from './audio-completeness';
