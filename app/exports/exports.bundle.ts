import type { StoredExport } from '../../core/access/export-store.port';
import type { Call } from '../../core/recordings/call';
import type { ExportBundleEntry, ExportBundlePorts } from './exports.ports';

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/**
 * The bundle of an approved export, streamed: `export.json` (who asked, why, who approved), then per call its
 * metadata, its decrypted audio while it still exists and its transcript where there is one, then the manifest
 * signed with the tenant's export key. Audio is read as the consumer pulls, never held whole in memory.
 */
export function streamExportBundle(deps: ExportBundlePorts, record: StoredExport, calls: readonly Call[]): AsyncIterable<Uint8Array> {
  const tenantId = record.tenantId;
  async function* entries(): AsyncGenerator<ExportBundleEntry> {
    yield {
      path: 'export.json',
      compress: true,
      content: json({
        exportId: record.id,
        tenantId,
        requestedBy: record.requestedBy,
        reason: record.reason,
        filter: record.filter,
        callIds: record.callIds,
        requestedAt: record.createdAt,
        approvedBy: record.decidedBy,
        approvedAt: record.decidedAt,
        approvalNote: record.decisionNote,
        expiresAt: record.expiresAt,
      }),
    };
    for (const call of calls) {
      const location = call.recording && call.status !== 'deleted' ? { tenantId, recordingId: call.id, keyId: call.recording.keyId, bytes: call.recording.bytes } : null;
      const withAudio = location !== null && (await deps.audio.exists(location));
      yield { path: `calls/${call.id}/metadata.json`, compress: true, content: json({ ...call, audioIncluded: withAudio }) };
      if (withAudio) yield { path: `calls/${call.id}/audio.${call.recording!.format}`, content: deps.audio.read(location) };
      const transcript = await deps.transcripts.getTranscript(tenantId, call.id);
      if (transcript) yield { path: `calls/${call.id}/transcript.json`, compress: true, content: json(transcript) };
    }
  }
  return deps.bundles.write({
    meta: {
      tenantId,
      exportId: record.id,
      requestedBy: record.requestedBy,
      approvedBy: record.decidedBy ?? '',
      createdAt: deps.clock.now().toISOString(),
      extra: { calls: calls.length, approvedAt: record.decidedAt ?? '' },
    },
    entries: entries(),
  });
}
