import { z } from 'zod';
import type { Dispute } from '../../core/quality/dispute';
import type { QualityStore } from '../../core/quality/quality-store.port';
import type { CallRepository } from '../../core/recordings/call-repository.port';
import { idSchema } from '../../core/shared/ids';
import { defineUseCase, type UseCaseContext } from '../shared/use-case';
import { authorizeDispute } from './quality.loaders';

type Deps = { readonly store: Pick<QualityStore, 'getDispute' | 'getEvaluation'>; readonly calls: Pick<CallRepository, 'listAgents'> };
const inputSchema = z.object({ id: idSchema }).strict();
type Input = z.output<typeof inputSchema>;

/** GET /api/v1/disputes/:id: the dispute with its history. */
export const getDispute = defineUseCase({
  name: 'quality.get-dispute',
  action: 'view_disputes',
  permission: 'view_evaluations',
  input: inputSchema,
  target: (i) => `dispute:${i.id}`,
  authorize: ({ deps, actor, input }: UseCaseContext<Deps, Input>) => authorizeDispute(deps, actor, input.id),
  run: ({ subject }: UseCaseContext<Deps, Input> & { subject: Dispute }): Dispute => subject,
});
