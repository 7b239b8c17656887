/**
 * Recordings reported by telephony providers (issue 16 item 4): accepted from a verified callback at once, fetched
 * by a job with backoff, stored through the ingest use-case, and listed for admins when they never arrive.
 * Adapters reach these use-cases only through this entry.
 */
import { bindUseCases, type AuditDeps, type BoundUseCases, type PortsOf } from '../shared/use-case';
import { acceptRecording } from './accept-recording';
import { fetchRecording } from './fetch-recording';
import { listMissingRecordings } from './list-missing-recordings';
import { reconcileCompleteness } from './reconcile-completeness';
import { reportCompleteness } from './report-completeness';
import { backfillRecordings } from './backfill-recordings';

export { acceptRecording, acceptRecordingInput, type AcceptRecordingInput, type AcceptRecordingOutcome } from './accept-recording';
export { fetchRecording, fetchRecordingInput, type FetchRecordingInput, type FetchRecordingOutcome } from './fetch-recording';
export {
  listMissingRecordings,
  listMissingRecordingsInput,
  type ListMissingRecordingsInput,
  type MissingRecordingView,
  type MissingRecordingsPage,
} from './list-missing-recordings';
export {
  DEFAULT_RECORDING_FETCH_POLICY,
  fetchJobId,
  type RecordingFetchPolicy,
  type RecordingIngest,
  type RecordingsPorts,
} from './recordings.ports';
export { FETCH_RECORDING_JOB } from '../../core/recordings/pending-recording.port';

export {
  reconcileCompleteness,
  reconcileCompletenessInput,
  type CompletenessSource,
  type ReconcileCompletenessInput,
  type ReconciliationOutcome,
} from './reconcile-completeness';
export { reportCompleteness } from './report-completeness';
export {
  buildCompletenessReport,
  type CompletenessGap,
  type CompletenessReason,
  type CompletenessReport,
} from './completeness.views';

/** The completeness check against the providers' own lists (issue 19): the daily job, the CLI and the report route. */
export const completenessUseCases = { reconcileCompleteness, reportCompleteness } as const;
export type CompletenessUseCases = BoundUseCases<typeof completenessUseCases>;

/** Binds the completeness use-cases to the ledger, the providers' lists and the pending-recordings inbox. */
export function createCompletenessUseCases(ports: PortsOf<typeof completenessUseCases> & AuditDeps): CompletenessUseCases {
  return bindUseCases(completenessUseCases, ports);
}

export {
  backfillRecordings,
  backfillRecordingsInput,
  type BackfillItemOutcome,
  type BackfillOutcome,
  type BackfillProgress,
  type BackfillRecordingsInput,
} from './backfill-recordings';

/** Backfill from a provider's own list (`callsight import --from twilio`). */
export const backfillUseCases = { backfillRecordings } as const;
export type BackfillUseCases = BoundUseCases<typeof backfillUseCases>;

/** Binds the backfill use-case to the provider's lists and downloads, the checkpoints, the ledger and ingest. */
export function createBackfillUseCases(ports: PortsOf<typeof backfillUseCases> & AuditDeps): BackfillUseCases {
  return bindUseCases(backfillUseCases, ports);
}

/** The recordings use-case definitions, keyed as routes, commands and jobs call them. */
export const recordingsUseCases = { acceptRecording, fetchRecording, listMissingRecordings } as const;
export type RecordingsUseCases = BoundUseCases<typeof recordingsUseCases>;

/** Binds the recordings use-cases to their ports (bin/wiring/recordings.wiring.ts). */
export function createRecordingsUseCases(ports: PortsOf<typeof recordingsUseCases> & AuditDeps): RecordingsUseCases {
  return bindUseCases(recordingsUseCases, ports);
}
