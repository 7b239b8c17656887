import type { CrmAnalysisStatus, CrmCallRecord, CrmEvaluationRecord, CrmRecordingStatus } from '../../core/crm/crm-adapter.port';
import type { CrmConnectionStore } from '../../core/crm/crm-connections.port';
import { RECORD_CALL_KIND, RECORD_EVALUATION_KIND, type RecordCallPayload } from '../../core/crm/record-call.payload';
import type { EnqueueOutboxMessage } from '../../core/crm/outbox.port';
import { computeCallScores, selectEffectiveEvaluations } from '../../core/quality/call-score';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { Call, CrmName } from '../../core/recordings/call';
import type { CallRepository, NewOutboxMessage } from '../../core/recordings/call-repository.port';
import type { Awaitable } from '../../core/shared/awaitable';
import type { Clock, IdGenerator } from '../../core/shared/clock.port';
import { DAY_MS } from '../../core/shared/time';
import type { TranscriptStore } from '../../core/transcription/transcript-store.port';

/** The CRMs a call is recorded on, in the order their messages are queued. */
export const SYNCED_CRMS: readonly CrmName[] = ['zendesk', 'salesforce'];

/** The Zendesk app's name as installed (its nav bar route), when the connection names none. */
export const DEFAULT_ZENDESK_APP_NAME = 'callsight';

/**
 * The link that opens a call in the Callsight app inside Zendesk: the app's nav bar location, whose route takes
 * extra path segments that the app reads with `app.route.changed`
 * (https://developer.zendesk.com/apps/docs/support-api/nav_bar: "https://z3n.zendesk.com/agent/apps/app-name/foo/bar").
 * The app name is the installation's name, lower-cased with dashes, as Zendesk builds the route.
 */
export function zendeskCallLink(subdomain: string, appName: string, callId: string): string {
  const route = appName.trim().replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[\s_]+/g, '-').toLowerCase();
  return `https://${subdomain.toLowerCase()}.zendesk.com/agent/apps/${encodeURIComponent(route)}/calls/${encodeURIComponent(callId)}`;
}

/** What building a call's CRM record reads. */
export interface CrmRecordSources {
  readonly calls: Pick<CallRepository, 'getCall' | 'getAgent'>;
  readonly transcripts: Pick<TranscriptStore, 'getAnalysis' | 'getTranscript'>;
  readonly quality: Pick<QualityStore, 'listEvaluationsForCall' | 'listDisputesForCalls'>;
  readonly connections: Pick<CrmConnectionStore, 'get'>;
  /** Whether the call will be transcribed (its tenant has a transcriber): its analysis is then `pending`, else `none`. */
  readonly transcriptionExpected: (call: Call) => Awaitable<boolean>;
}

/** Where a call's audio is, as the CRM shows it. */
export function recordingStatusOf(call: Pick<Call, 'status'>): CrmRecordingStatus {
  return call.status === 'archived' ? 'archived' : call.status === 'deleted' ? 'deleted' : 'stored';
}

/** This CRM's id of the call's own record, from an earlier delivery (the first link of that CRM), or null. */
export function crmRecordIdOf(call: Pick<Call, 'crmLinks'>, crm: CrmName): string | null {
  return call.crmLinks.find((link) => link.crm === crm)?.id ?? null;
}

/**
 * The call's record for one CRM as the call is now: its analysis (risk, flags, customer emotion) once done, its QA
 * score from the evaluations in force (disputes applied), where its recording is, and the link that opens it inside
 * that CRM. Null when the call is gone, or the tenant has no connection to that CRM.
 */
export async function buildCrmCallRecord(sources: CrmRecordSources, tenantId: string, callId: string, crm: CrmName): Promise<CrmCallRecord | null> {
  const call = await sources.calls.getCall(tenantId, callId, { kind: 'all' });
  if (call === null) return null;
  const connection = await sources.connections.get(tenantId, crm);
  if (connection === null) return null;
  const [agent, analysis, evaluations] = await Promise.all([
    call.agentId === null ? null : sources.calls.getAgent(tenantId, call.agentId),
    sources.transcripts.getAnalysis(tenantId, callId),
    sources.quality.listEvaluationsForCall(tenantId, callId),
  ]);
  let status: CrmAnalysisStatus = 'done';
  if (analysis === null) {
    if (call.status === 'deleted') status = 'none';
    else if ((await sources.transcripts.getTranscript(tenantId, callId)) !== null) status = 'pending';
    else status = (await sources.transcriptionExpected(call)) ? 'pending' : 'none';
  }
  const disputes = evaluations.length === 0 ? [] : await sources.quality.listDisputesForCalls(tenantId, [callId]);
  const score = computeCallScores(selectEffectiveEvaluations(evaluations, disputes)).get(callId) ?? null;
  const appName = typeof connection.settings.appName === 'string' && connection.settings.appName !== '' ? connection.settings.appName : DEFAULT_ZENDESK_APP_NAME;
  return {
    hubCallId: call.id,
    startedAt: call.startedAt,
    durationS: Math.min(DAY_MS / 1000, Math.max(0, call.durationS)),
    direction: call.direction,
    agentName: agent === null ? null : agent.name.slice(0, 128),
    inquiryType: call.inquiryType === null ? null : call.inquiryType.slice(0, 128),
    analysis: status,
    flags: analysis === null ? [] : [...new Set(analysis.flags.map((flag) => flag.code))].slice(0, 64),
    risk: analysis === null ? 0 : Math.min(1, Math.max(0, analysis.risk)),
    customerEmotion: analysis === null ? null : analysis.emotion.customer.label,
    score,
    recordingStatus: recordingStatusOf(call),
    appLink: crm === 'zendesk' ? zendeskCallLink(connection.accountId, appName, call.id) : null,
    crmRecordId: crmRecordIdOf(call, crm),
    customerPhone: call.customerPhone,
  };
}

/**
 * The `crm.record_call` messages for a newly stored call, written in the call's own transaction: one per CRM the
 * tenant is connected to, none for misdials and calls without audio. A damaged connection never blocks the ingest:
 * its message dead-letters at delivery instead, visible for an operator to requeue.
 */
export async function recordCallMessagesFor(sources: CrmRecordSources & { readonly ids: IdGenerator }, call: Call): Promise<NewOutboxMessage[]> {
  if (call.status !== 'stored') return [];
  const messages: NewOutboxMessage[] = [];
  for (const crm of SYNCED_CRMS) {
    if ((await sources.connections.get(call.tenantId, crm)) === null) continue;
    const record = await recordForNewCall(sources, call, crm);
    if (record === null) continue;
    const payload: RecordCallPayload = { crm, call: record };
    messages.push({ id: sources.ids.newId('obx'), tenantId: call.tenantId, kind: RECORD_CALL_KIND, payload });
  }
  return messages;
}

/** The record of a call that is being inserted (not readable from the store yet). */
async function recordForNewCall(sources: CrmRecordSources, call: Call, crm: CrmName): Promise<CrmCallRecord | null> {
  const connection = await sources.connections.get(call.tenantId, crm);
  if (connection === null) return null;
  const agent = call.agentId === null ? null : await sources.calls.getAgent(call.tenantId, call.agentId);
  const appName = typeof connection.settings.appName === 'string' && connection.settings.appName !== '' ? connection.settings.appName : DEFAULT_ZENDESK_APP_NAME;
  return {
    hubCallId: call.id,
    startedAt: call.startedAt,
    durationS: Math.min(DAY_MS / 1000, Math.max(0, call.durationS)),
    direction: call.direction,
    agentName: agent === null ? null : agent.name.slice(0, 128),
    inquiryType: call.inquiryType === null ? null : call.inquiryType.slice(0, 128),
    analysis: (await sources.transcriptionExpected(call)) ? 'pending' : 'none',
    flags: [],
    risk: 0,
    customerEmotion: null,
    score: null,
    recordingStatus: 'stored',
    appLink: crm === 'zendesk' ? zendeskCallLink(connection.accountId, appName, call.id) : null,
    crmRecordId: null,
    customerPhone: call.customerPhone,
  };
}

/**
 * The drain's refresher (core/crm DrainOptions.refreshCalls): each queued record replaced by the call's state now,
 * so a late or retried message never puts an older state over a newer one. A call that is gone keeps its queued
 * record (the CRM already has at least that).
 */
export async function refreshCallRecords(sources: CrmRecordSources, tenantId: string, crm: CrmName, queued: readonly CrmCallRecord[]): Promise<CrmCallRecord[]> {
  const fresh: CrmCallRecord[] = [];
  for (const record of queued) fresh.push((await buildCrmCallRecord(sources, tenantId, record.hubCallId, crm)) ?? record);
  return fresh;
}

/** Why a call's CRM records are updated. */
export type CrmFollowUpReason = 'analysis' | 'score' | 'recording';

/** What queueCrmUpdate writes with. */
export interface CrmFollowUpPorts extends CrmRecordSources {
  readonly outbox: { enqueue(message: EnqueueOutboxMessage): Awaitable<void> };
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** Reviewer display names for evaluation records; null when unknown. */
  readonly reviewerName?: (tenantId: string, reviewerId: string) => Awaitable<string | null>;
}

/**
 * Queues the call's update for every CRM it is recorded on (`crm.record_call`, delivered with the call's state at
 * delivery), and on a score change its evaluations for CRMs that keep them (`crm.record_evaluation`, Salesforce).
 * Misdials that were never synced are skipped. Returns how many messages were queued.
 */
export async function queueCrmUpdate(ports: CrmFollowUpPorts, tenantId: string, callId: string, reason: CrmFollowUpReason): Promise<number> {
  const call = await ports.calls.getCall(tenantId, callId, { kind: 'all' });
  if (call === null) return 0;
  let queued = 0;
  for (const crm of SYNCED_CRMS) {
    // A call never recorded on this CRM (a misdial, or archived before its first delivery) is left alone: a message
    // still queued for it is refreshed at delivery anyway.
    if (call.status !== 'stored' && crmRecordIdOf(call, crm) === null) continue;
    const record = await buildCrmCallRecord(ports, tenantId, callId, crm);
    if (record === null) continue;
    const now = ports.clock.now();
    await ports.outbox.enqueue({ id: ports.ids.newId('obx'), tenantId, kind: RECORD_CALL_KIND, payload: { crm, call: record } satisfies RecordCallPayload, now });
    queued += 1;
    if (reason === 'score' && crm === 'salesforce') {
      for (const evaluation of await evaluationRecordsOf(ports, tenantId, callId)) {
        await ports.outbox.enqueue({ id: ports.ids.newId('obx'), tenantId, kind: RECORD_EVALUATION_KIND, payload: { crm, evaluation }, now });
        queued += 1;
      }
    }
  }
  return queued;
}

/**
 * The call's evaluations as CRM records: every evaluation, `published` while it counts and `superseded` once a
 * later score of the same reviewer or a dispute replaced it, with its dispute state.
 */
export async function evaluationRecordsOf(ports: Pick<CrmFollowUpPorts, 'quality' | 'reviewerName'>, tenantId: string, callId: string): Promise<CrmEvaluationRecord[]> {
  const evaluations = await ports.quality.listEvaluationsForCall(tenantId, callId);
  if (evaluations.length === 0) return [];
  const disputes = await ports.quality.listDisputesForCalls(tenantId, [callId]);
  const effective = new Set(selectEffectiveEvaluations(evaluations, disputes).map((e) => e.id));
  const records: CrmEvaluationRecord[] = [];
  for (const evaluation of evaluations) {
    const dispute = disputes.filter((d) => d.evaluationId === evaluation.id).sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1))[0];
    const disputeState = dispute === undefined ? 'none' : dispute.status === 'open' ? 'open' : dispute.outcome === 'changed' ? 'overturned' : 'upheld';
    const reviewer = ports.reviewerName === undefined ? null : await ports.reviewerName(tenantId, evaluation.reviewerId);
    records.push({
      hubEvaluationId: evaluation.id,
      hubCallId: callId,
      scorecard: evaluation.scorecard.scorecardId.slice(0, 255),
      scorecardVersion: String(evaluation.scorecard.version),
      sectionScores: evaluation.score.sections.filter((s) => s.score !== null).map((s) => ({ section: s.sectionId.slice(0, 255), score: s.score as number })),
      totalScore: evaluation.score.total ?? 0,
      reviewerName: reviewer === null ? null : reviewer.slice(0, 128),
      status: effective.has(evaluation.id) ? 'published' : 'superseded',
      disputeState,
    });
  }
  return records;
}

/** Told when a call changed in a way its CRM records show (analysis, score, recording). */
export interface CrmFollowUpPort {
  callChanged(tenantId: string, callId: string, reason: CrmFollowUpReason): Promise<void>;
}

const followUpsByPort = new WeakMap<object, CrmFollowUpPort>();

/**
 * Attaches the CRM follow-up to the stores a hub hands its use-cases (its call repository, transcript store,
 * retention store...), so that a use-case holding any of them reaches it through `notifyCrmFollowUp` without a
 * new port in every capability's wiring. One hub's stores never reach another hub's follow-up.
 */
export function attachCrmFollowUps(stores: readonly object[], followUps: CrmFollowUpPort): void {
  for (const store of stores) followUpsByPort.set(store, followUps);
}

/**
 * Tells the CRM follow-up attached to `store` (if any) that the call changed, after the change is stored. Rejects
 * when queueing fails (the caller's action then reports the error rather than leave the CRM stale unnoticed).
 */
export async function notifyCrmFollowUp(store: object, tenantId: string, callId: string, reason: CrmFollowUpReason): Promise<void> {
  await followUpsByPort.get(store)?.callChanged(tenantId, callId, reason);
}
