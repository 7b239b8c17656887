import type { FastifyRequest } from 'fastify';
import type { CoachingUseCases } from '../../../app/coaching';
import { CallsightError } from '../../../core/shared/errors';
import type { HttpPlugin } from '../http.deps';
import { bodyWith, pathId, unparsed } from './quality.routes';

const taskNotFound = () => new CallsightError('NOT_FOUND', 'No coaching task with this id is visible to you');

/**
 * Coaching tasks (assign, acknowledge, complete, follow-up sample, before/after outcome) and problem finding
 * (docs/api-quality.md, contract core/api/coaching.api.ts). Each route calls one use-case of app/coaching.
 */
export function coachingRoutes(coaching: CoachingUseCases): HttpPlugin {
  return (app, helpers) => {
    const actor = (request: FastifyRequest) => helpers.authenticate(request);

    app.post('/api/v1/coaching/tasks', async (request, reply) => reply.status(201).send(await coaching.assignCoachingTask(await actor(request), unparsed(request.body))));

    app.get('/api/v1/coaching/tasks', async (request) => coaching.listCoachingTasks(await actor(request), unparsed(request.query)));

    app.get('/api/v1/coaching/tasks/:id', async (request) => {
      const id = pathId(request, taskNotFound);
      return coaching.getCoachingTask(await actor(request), { id });
    });

    app.post('/api/v1/coaching/tasks/:id/acknowledge', async (request) => {
      const id = pathId(request, taskNotFound);
      return coaching.acknowledgeCoachingTask(await actor(request), { id });
    });

    app.post('/api/v1/coaching/tasks/:id/complete', async (request) => {
      const id = pathId(request, taskNotFound);
      return coaching.completeCoachingTask(await actor(request), { id });
    });

    app.post('/api/v1/coaching/tasks/:id/follow-up', async (request) => {
      const taskId = pathId(request, taskNotFound);
      return coaching.planFollowUp(await actor(request), bodyWith(request.body, { taskId }));
    });

    app.get('/api/v1/coaching/tasks/:id/outcome', async (request) => {
      const id = pathId(request, taskNotFound);
      return coaching.getCoachingOutcome(await actor(request), bodyWith(request.query, { id }));
    });

    app.get('/api/v1/coaching/problems', async (request) => coaching.findCoachingProblems(await actor(request), unparsed(request.query)));
  };
}
