import { authorize, type AccessDecision, type ExportTarget } from '../../core/access/access.policy';
import type { StoredExport } from '../../core/access/export-store.port';
import type { ExportView } from '../../core/api/exports.api';
import { isSafeId } from '../../core/shared/ids';
import { CallsightError } from '../../core/shared/errors';
import { isSystemActor, type Actor } from '../shared/actor';
import type { Principal } from '../../core/access/access.policy';
import { allow, deny, type Decision } from '../shared/use-case';
import type { ExportsPorts } from './exports.ports';

type ExportStatus = ExportTarget['status'];

/** The status the policy reads: an approved export past its expiry is `expired`. */
export function effectiveStatus(record: StoredExport, now: Date): ExportStatus {
  if (record.status === 'approved' && record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) return 'expired';
  return record.status;
}

/** An export as the API and the CLI show it. */
export function toExportView(record: StoredExport, now: Date): ExportView {
  return {
    id: record.id,
    status: effectiveStatus(record, now),
    requestedBy: record.requestedBy,
    reason: record.reason,
    filter: record.filter,
    callIds: [...record.callIds],
    callCount: record.callIds.length,
    audioBytes: record.audioBytes,
    createdAt: record.createdAt,
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAt,
    decisionNote: record.decisionNote,
    expiresAt: record.expiresAt,
    downloads: record.downloads,
  };
}

/** The error a policy denial of an export answers: state problems are CONFLICT or EXPORT_EXPIRED, the rest FORBIDDEN. */
export function exportDenialError(decision: AccessDecision, status: ExportStatus, what: string): CallsightError {
  if (decision.reason === 'export_not_approved' && status === 'expired') return new CallsightError('EXPORT_EXPIRED', 'The download of this export has expired; request a new export');
  if (decision.reason === 'export_not_approved') return new CallsightError('CONFLICT', `This export is ${status}; only an approved export can be downloaded`);
  if (decision.reason === 'export_not_pending') return new CallsightError('CONFLICT', `This export is already ${status}`);
  if (decision.reason === 'self_approval') return new CallsightError('FORBIDDEN', 'An export must be approved or rejected by an admin other than its requester');
  if (decision.reason === 'not_requester') return new CallsightError('FORBIDDEN', 'Only the admin who requested this export may download it');
  return new CallsightError('FORBIDDEN', `Your role may not ${what}`);
}

/** Audit target of an export: `export:<id>`, or null for text that is no id at all. */
export function exportTarget(id: string): string | null {
  return isSafeId(id) ? `export:${id}` : null;
}

const notFound = () => deny('not_found', new CallsightError('NOT_FOUND', 'No export with this id'));

/**
 * Two-person rule (R-ACC-3): requests, decisions and downloads are made by a named admin proven by a token, never
 * by the system, whose one identity could otherwise approve its own request.
 */
export function personRequired(actor: Actor): Decision<Principal> {
  if (!isSystemActor(actor)) return allow(actor);
  return deny('person_required', new CallsightError('FORBIDDEN', 'Exports are requested, decided and downloaded by a signed-in admin (two-person rule); pass a bearer token in CALLSIGHT_TOKEN'));
}

/** The export the actor asks for, read with its effective status; NOT_FOUND for a malformed or unknown id. */
export async function loadExport(deps: Pick<ExportsPorts, 'exports' | 'clock'>, actor: Actor, id: string): Promise<Decision<{ record: StoredExport; status: ExportStatus; now: Date }>> {
  if (!isSafeId(id)) return notFound();
  const record = await deps.exports.get(actor.tenantId, id);
  if (!record) return notFound();
  const now = deps.clock.now();
  return allow({ record, status: effectiveStatus(record, now), now });
}

/** An export the policy let the principal act on. */
export interface AuthorizedExport {
  readonly record: StoredExport;
  readonly status: ExportStatus;
  readonly now: Date;
  readonly principal: Principal;
}

/**
 * Loads the export and applies the policy row of `action` to it (approve_export also governs rejecting, the
 * approver's other answer); a denial carries the policy's reason (`export_expired` for an expired download).
 */
export async function authorizeExport(
  deps: Pick<ExportsPorts, 'exports' | 'clock'>,
  actor: Actor,
  id: string,
  action: 'approve_export' | 'download',
): Promise<Decision<AuthorizedExport>> {
  const person = personRequired(actor);
  if (!person.allowed) return person;
  const principal = person.subject;
  const loaded = await loadExport(deps, actor, id);
  if (!loaded.allowed) return loaded;
  const { record, status } = loaded.subject;
  const decision = authorize(principal, action, { kind: 'export', tenantId: record.tenantId, requestedBy: record.requestedBy, status });
  if (!decision.allowed) {
    const reason = action === 'download' && status === 'expired' && decision.reason === 'export_not_approved' ? 'export_expired' : decision.reason;
    return deny(reason, exportDenialError(decision, status, action === 'download' ? 'download exports' : 'approve or reject exports'));
  }
  return allow({ ...loaded.subject, principal }, decision.reason);
}
