import { scopeFor, type Principal } from '../../core/access/access.policy';
import { exportRequestBodySchema, type ExportRequestBody, type ExportView } from '../../core/api/exports.api';
import type { Call } from '../../core/recordings/call';
import type { CallFilter } from '../../core/recordings/call-repository.port';
import { CallsightError } from '../../core/shared/errors';
import { exportLimits } from '../settings/settings.definitions';
import { allow, defineUseCase, deny, type Decision } from '../shared/use-case';
import { tenantPhoneFilter } from '../tenants/tenants.ports';
import { MAX_EXPORT_AUDIO_BYTES, type ExportsPorts } from './exports.ports';
import { personRequired, toExportView } from './exports.views';

interface RequestedCalls {
  readonly principal: Principal;
  readonly calls: Call[];
}

type RequestPorts = Pick<ExportsPorts, 'exports' | 'calls' | 'tenants' | 'settings' | 'clock' | 'ids'>;

/** The calls of a request, each one the requester can read (the same scope as reading them), resolved now and frozen. */
async function resolveCalls(deps: RequestPorts, principal: Principal, body: ExportRequestBody): Promise<Decision<RequestedCalls>> {
  const { maxCalls } = await exportLimits(deps, principal.tenantId);
  const scope = scopeFor(principal, 'view');
  if (body.callIds) {
    const ids = [...new Set(body.callIds)];
    if (ids.length > maxCalls) throw new CallsightError('VALIDATION_FAILED', `An export holds at most ${maxCalls} calls; split the request`);
    const found: Call[] = [];
    let missing = 0;
    for (const id of ids) {
      const call = await deps.calls.getCall(principal.tenantId, id, scope);
      if (call) found.push(call);
      else missing++;
    }
    if (missing > 0) return deny('not_found_or_out_of_scope', new CallsightError('CALL_NOT_FOUND', `${missing} of the requested calls are not visible to you`));
    return allow({ principal, calls: found });
  }
  const { customerPhone, ...rest } = body.filter!;
  const filter: CallFilter = { ...rest, ...(customerPhone !== undefined ? { customerPhone: await tenantPhoneFilter(deps.tenants, principal.tenantId, customerPhone, 'filter.customerPhone') } : {}) };
  const found: Call[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.calls.listCalls(principal.tenantId, filter, scope, { limit: 200, ...(cursor ? { cursor } : {}) });
    found.push(...page.items.filter((c) => c.status !== 'deleted'));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && found.length <= maxCalls);
  if (found.length > maxCalls) throw new CallsightError('VALIDATION_FAILED', `The filter matches more than ${maxCalls} calls; narrow it or raise the exports.maxCalls setting`);
  if (found.length === 0) throw new CallsightError('VALIDATION_FAILED', 'The filter matches no calls you can reach');
  return allow({ principal, calls: found });
}

/**
 * An admin asks for an export of calls they can reach, by ids or a filter resolved now (R-ACC-3): it waits as
 * `pending` for another admin's decision. CALL_NOT_FOUND (denied) when any listed call is not visible to the
 * requester; VALIDATION_FAILED past the tenant's `maxCalls` or 3.5 GiB of audio.
 */
export const requestExport = defineUseCase<RequestPorts, ExportRequestBody, ExportView, RequestedCalls, unknown>({
  name: 'exports.request',
  action: 'request_export',
  permission: 'request_export',
  forbidden: 'Your role may not request exports',
  input: exportRequestBodySchema,
  invalidInput: 'Invalid body',
  authorize({ deps, actor, input }) {
    const person = personRequired(actor);
    return person.allowed ? resolveCalls(deps, person.subject, input) : person;
  },
  async run({ deps, input, subject: { principal, calls } }) {
    const audioBytes = calls.reduce((sum, c) => sum + (c.recording?.bytes ?? 0), 0);
    if (audioBytes > MAX_EXPORT_AUDIO_BYTES) throw new CallsightError('VALIDATION_FAILED', 'The export would exceed 3.5 GiB of audio; split it into smaller exports');
    const record = await deps.exports.create({
      tenantId: principal.tenantId,
      id: deps.ids.newId('exp'),
      requestedBy: principal.userId,
      reason: input.reason,
      filter: input.filter ?? null,
      callIds: calls.map((c) => c.id),
      audioBytes,
      createdAt: deps.clock.now().toISOString(),
    });
    return toExportView(record, deps.clock.now());
  },
  audited: (view) => ({ target: `export:${view.id}`, details: { calls: view.callCount, audioBytes: view.audioBytes } }),
});
