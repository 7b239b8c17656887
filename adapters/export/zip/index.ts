export { streamZip, type ZipEntrySource, type ClosingEntry } from './zip-writer';
export { openZip, readZipDirectory, digestZipEntry, type ZipEntryInfo, type ZipEntryDigest } from './zip-reader';
export {
  MANIFEST_PATH,
  streamExportBundle,
  verifyExportBundle,
  readBundleManifest,
  type BundleProblem,
  type BundleVerification,
  type KeyResolver,
} from './export-bundle';
