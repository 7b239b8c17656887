export { ShredJournal, type ShredEntry } from './shred-journal';
export {
  MANIFEST_FILE,
  copyTree,
  dropDataKeys,
  listFiles,
  prepareEmptyDir,
  replaceSqliteFile,
  replaceTree,
  sha256File,
  snapshotSqlite,
  verifyManifest,
  writeManifest,
  type BackupManifest,
  type BackupPart,
  type ManifestFile,
} from './fs-backup';
