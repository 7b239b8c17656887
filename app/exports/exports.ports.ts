import type { ExportStore } from '../../core/access/export-store.port';
import type { BundleMeta } from '../../core/audit/export-manifest';
import type { AudioStore } from '../../core/recordings/audio-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';
import type { SettingsReader } from '../settings/settings.ports';
import type { TenantDirectory } from '../tenants/tenants.ports';

/** One file of an export bundle: its bytes, whole or streamed. */
export interface ExportBundleEntry {
  /** `/`-separated path inside the bundle. */
  readonly path: string;
  readonly content: Uint8Array | AsyncIterable<Uint8Array>;
  /** Deflate the entry (text); audio is stored as is. */
  readonly compress?: boolean;
}

/** Writes export bundles (adapters/export/zip): the entries, then a manifest signed with the tenant's export key. */
export interface ExportBundleWriter {
  /** Streams the zip; entries are read once, in order, at the consumer's pace. */
  write(input: { readonly meta: BundleMeta; readonly entries: AsyncIterable<ExportBundleEntry> }): AsyncIterable<Uint8Array>;
}

/** What the export use-cases read and write. */
export interface ExportsPorts {
  readonly exports: ExportStore;
  readonly calls: Pick<CallRepository, 'getCall' | 'listCalls'>;
  readonly tenants: TenantDirectory;
  readonly settings: SettingsReader;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** What building a bundle reads besides the export and its calls. */
export interface ExportBundlePorts {
  readonly audio: Pick<AudioStore, 'exists' | 'read'>;
  readonly transcripts: Pick<TranscriptStore, 'getTranscript'>;
  readonly bundles: ExportBundleWriter;
  readonly clock: Clock;
}

/** Zip archives are written without ZIP64, so an export stays under 4 GiB with room for metadata. */
export const MAX_EXPORT_AUDIO_BYTES = 3.5 * 1024 ** 3;
