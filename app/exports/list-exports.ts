import type { z } from 'zod';
import { exportListQuerySchema, type ExportListQueryInput, type ExportPage } from '../../core/api/exports.api';
import { defineUseCase } from '../shared/use-case';
import type { ExportsPorts } from './exports.ports';
import { toExportView } from './exports.views';

/** The tenant's exports, newest first, a page at a time (admins); the cursor is the last item's `createdAt|id`. */
export const listExports = defineUseCase<Pick<ExportsPorts, 'exports' | 'clock'>, z.output<typeof exportListQuerySchema>, ExportPage, undefined, ExportListQueryInput>({
  name: 'exports.list',
  action: 'view_exports',
  permission: 'request_export',
  forbidden: 'Your role may not see exports',
  input: exportListQuerySchema,
  invalidInput: 'Invalid query',
  async run({ deps, actor, input }) {
    const { status, limit, cursor } = input;
    const [createdAt, id] = cursor ? cursor.split('|') : [];
    const items = await deps.exports.list(actor.tenantId, { ...(status ? { status } : {}), limit, ...(createdAt && id ? { before: { createdAt, id } } : {}) });
    const now = deps.clock.now();
    const last = items.at(-1);
    return { items: items.map((r) => toExportView(r, now)), nextCursor: items.length === limit && last ? `${last.createdAt}|${last.id}` : null };
  },
  audited: (page) => ({ details: { returned: page.items.length } }),
});
