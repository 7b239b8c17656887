import type { FastifyRequest } from 'fastify';
import type { TrainingUseCases } from '../../../app/training';
import { CallsightError } from '../../../core/shared/errors';
import { clipListResponseSchema, clipPinResponseSchema, clipSchema, listClipsQuerySchema, pinClipRequestSchema, saveClipRequestSchema } from '../../../core/api/training.api';
import { idParamsSchema } from '../../../core/shared/ids';
import * as z from 'zod/mini';
import type { RouteDoc } from '../openapi/openapi.routes-table';
import type { HttpPlugin } from '../http.deps';
import { rangeOf, sendAudio } from '../send-audio';
import type { PlaybackTokens } from '../token-service';
import { playbackUrlSchema } from '../../../core/api/call-views.api';
import { playbackTokenParamsSchema } from '../../../core/api/openapi.api';
import { bodyWith, pathId, unparsed } from './quality.routes';

const clipNotFound = () => new CallsightError('NOT_FOUND', 'No clip with this id is visible to you');
const taskNotFound = () => new CallsightError('NOT_FOUND', 'No coaching task with this id is visible to you');

/**
 * The training library (issue 15 item 4, contract core/api/training.api.ts): clips of calls marked as good or bad
 * examples, and their pins to coaching tasks. Each route calls one use-case of app/training.
 */
export function trainingRoutes(
  training: TrainingUseCases,
  links: { readonly playback: Pick<PlaybackTokens, 'verifyClip'>; readonly clock: { now(): Date }; readonly publicUrl?: string },
): HttpPlugin {
  return (app, helpers) => {
    const actor = (request: FastifyRequest) => helpers.authenticate(request);
    const baseUrl = (request: FastifyRequest) => (links.publicUrl ? links.publicUrl.replace(/\/$/, '') : `${request.protocol}://${request.host}`);

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

    // A clip's own playback link: the clip's range only, masked as for QA, for any reader of the clip.
    app.post('/api/v1/clips/:id/playback-url', { config: { expensive: true } }, async (request) => {
      const id = pathId(request, clipNotFound);
      const { token, expiresAt } = await training.issueClipPlaybackLink(await actor(request), { id });
      return { url: `${baseUrl(request)}/api/v1/clip-playback/${token}`, expiresAt };
    });

    app.get('/api/v1/clip-playback/:token', async (request, reply) => {
      const { token } = request.params as { token: string };
      const { principal, clipId } = await links.playback.verifyClip(token, links.clock.now());
      return sendAudio(request, reply, await training.playClip(principal, { id: clipId, ...rangeOf(request) }));
    });

    app.post('/api/v1/coaching/tasks/:id/clips', async (request, reply) => {
      const taskId = pathId(request, taskNotFound);
      const pin = await training.pinClipToTask(await actor(request), bodyWith(request.body, { taskId }));
      return reply.status(pin.created ? 201 : 200).send(pin);
    });
  };
}

const AUTHENTICATED = [400, 401, 403, 404, 429, 500] as const;
const WITH_BODY = [...AUTHENTICATED, 409, 413, 415] as const;
const ok = (json: z.ZodMiniType, description = 'OK') => ({ description, json });
const audio = (description: string) => ({ description, binary: ['audio/wav', 'audio/mpeg'] as const });

/**
 * The OpenAPI entries of the training routes, for adapters/http/openapi/openapi.routes-table.ts to list with
 * `...TRAINING_ROUTE_DOCS` (the route-coverage test requires every registered route to be documented).
 */
export const TRAINING_ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'POST', path: '/api/v1/clips', operationId: 'saveClip', summary: 'Mark a time range of a call as a good or bad training example',
    tags: ['training'], auth: 'bearer', body: { json: saveClipRequestSchema }, responses: { 201: ok(clipSchema, 'Saved') }, errors: WITH_BODY,
  },
  {
    method: 'GET', path: '/api/v1/clips', operationId: 'listClips', summary: 'The training library, filtered',
    tags: ['training'], auth: 'bearer', query: listClipsQuerySchema, responses: { 200: ok(clipListResponseSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'GET', path: '/api/v1/clips/:id', operationId: 'getClip', summary: 'One training clip',
    tags: ['training'], auth: 'bearer', params: idParamsSchema, responses: { 200: ok(clipSchema) }, errors: AUTHENTICATED,
  },
  {
    method: 'DELETE', path: '/api/v1/clips/:id', operationId: 'removeClip', summary: 'Remove a training clip and its pins',
    tags: ['training'], auth: 'bearer', params: idParamsSchema, responses: { 200: ok(z.looseObject({ id: z.string(), removed: z.boolean() })) }, errors: AUTHENTICATED,
  },
  {
    method: 'POST', path: '/api/v1/clips/:id/playback-url', operationId: 'issueClipPlaybackUrl', summary: 'A header-free URL valid 5 minutes that plays only this clip, masked',
    tags: ['training'], auth: 'bearer', params: idParamsSchema, responses: { 200: ok(playbackUrlSchema) }, errors: [...AUTHENTICATED, 409, 410],
  },
  {
    method: 'GET', path: '/api/v1/clip-playback/:token', operationId: 'playClipSignedUrl', summary: "Play a clip's range of its call through a signed URL", tags: ['training'], auth: 'signed-url',
    params: playbackTokenParamsSchema, headers: [{ name: 'Range', description: 'One byte range of the clip (`bytes=0-1023`); answered with 206 and Content-Range' }],
    responses: { 200: audio('The whole clip'), 206: audio('The requested range of the clip') }, errors: [...AUTHENTICATED, 409, 410, 416, 422],
  },
  {
    method: 'POST', path: '/api/v1/coaching/tasks/:id/clips', operationId: 'pinClipToTask', summary: 'Pin a library clip to a coaching task',
    tags: ['training'], auth: 'bearer', params: idParamsSchema, body: { json: pinClipRequestSchema },
    responses: { 201: ok(clipPinResponseSchema, 'Pinned'), 200: ok(clipPinResponseSchema, 'Already pinned') }, errors: WITH_BODY,
  },
];
