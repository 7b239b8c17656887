import * as z from 'zod/mini';
import { parseTranscript, type Transcript } from '../../core/analysis/transcript.types';
import { transcriptImportBodySchema, type TranscriptImportResponse } from '../../core/api/analysis.api';
import type { Call } from '../../core/recordings/call';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import type { Actor } from '../shared/actor';
import { allow, defineUseCase, deny } from '../shared/use-case';
import { callNotFound, callTarget, findCallInScope } from './analysis.access';
import { storeTranscript, type StoreTranscriptPorts } from './analysis.pipeline';
import type { ProviderTranscriptImporter } from './analysis.ports';

/** The ports of importTranscript. */
export interface ImportTranscriptDeps extends StoreTranscriptPorts {
  readonly calls: Pick<CallRepository, 'getCall'>;
  readonly transcriptImporter: ProviderTranscriptImporter;
}

const importInput = z.extend(transcriptImportBodySchema, { id: z.string() });
type ImportInput = z.infer<typeof importInput>;
/** What callers pass: the import body with the call id of the path. */
export type ImportTranscriptInput = z.input<typeof importInput>;

/**
 * Imports a call's transcript (our segment format, or Amazon Transcribe JSON), replacing an earlier one, and
 * queues its analysis. Admins and integrations only. A transcript that does not parse is VALIDATION_FAILED
 * naming the field (never echoing text) and stores nothing.
 */
export const importTranscript = defineUseCase({
  name: 'analysis.import-transcript',
  action: 'import_transcript',
  permission: 'ingest',
  forbidden: 'Only admins and integrations may import transcripts',
  input: importInput,
  invalidInput: 'Invalid body',
  target: (input) => callTarget(input.id),
  async authorize({ deps, actor, input }: { deps: ImportTranscriptDeps; actor: Actor; input: ImportInput }) {
    const call = await findCallInScope(deps.calls, actor, 'view_transcript', input.id);
    return call ? allow<Call>(call) : deny('not_found_or_out_of_scope', callNotFound());
  },
  async run({ deps, input, subject: call }): Promise<TranscriptImportResponse> {
    const transcript: Transcript =
      input.format === 'segments' ? parseTranscript(input.data) : deps.transcriptImporter.importProviderTranscript(input.format, input.data);
    await storeTranscript(deps, call, transcript, `import:${input.format}`);
    return { callId: call.id, segments: transcript.segments.length, analysis: 'queued' };
  },
  audited: (output, input) => ({ reason: input.format, details: { segments: output.segments } }),
});
