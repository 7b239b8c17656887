import type { FastifyRequest } from 'fastify';
import type { TrainingUseCases } from '../../../app/training';
import { CallsightError } from '../../../core/shared/errors';
import type { HttpPlugin } from '../http.deps';
import { bodyWith, pathId, unparsed } from './quality.routes';

const clipNotFound = () => new CallsightError('NOT_FOUND', 'No clip with this id is visible to you');
const taskNotFound = () => new CallsightError('NOT_FOUND', 'No coaching task with this id is visible to you');

/**
 * The training library (issue 15 item 4, contract core/api/training.api.ts): clips of calls marked as good or bad
 * examples, and their pins to coaching tasks. Each route calls one use-case of app/training.
 */
export function trainingRoutes(training: TrainingUseCases): HttpPlugin {
  return (app, helpers) => {
    const actor = (request: FastifyRequest) => helpers.authenticate(request);

    app.post('/api/v1/clips', async (request, reply) => reply.status(201).send(await training.saveClip(await actor(request), unparsed(request.body))));

    app.get('/api/v1/clips', async (request) => training.listClips(await actor(request), unparsed(request.query)));

    app.get('/api/v1/clips/:id', async (request) => {
      const id = pathId(request, clipNotFound);
      return training.getClip(await actor(request), { id });
    });

    app.delete('/api/v1/clips/:id', async (request) => {
      const id = pathId(request, clipNotFound);
      return training.removeClip(await actor(request), { id });
    });

    app.post('/api/v1/coaching/tasks/:id/clips', async (request, reply) => {
      const taskId = pathId(request, taskNotFound);
      const pin = await training.pinClipToTask(await actor(request), bodyWith(request.body, { taskId }));
      return reply.status(pin.created ? 201 : 200).send(pin);
    });
  };
}
