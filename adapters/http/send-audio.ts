import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { AudioStream } from '../../app/calls';
import type { CallsightError } from '../../core/shared/errors';

const CONTENT_TYPE = { wav: 'audio/wav', mp3: 'audio/mpeg' } as const;

/** The `Range` header of a request, as the play use-cases take it. */
export function rangeOf(request: FastifyRequest): { range?: string } {
  const range = request.headers.range;
  return range === undefined ? {} : { range };
}

/** Sends decrypted audio, whole (200) or one byte range (206 with Content-Range), never cached. */
export function sendAudio(request: FastifyRequest, reply: FastifyReply, audio: AudioStream) {
  const body = Readable.from(audio.chunks);
  body.on('error', (error) => request.log.error({ err: error, code: (error as CallsightError).code }, 'audio stream aborted'));
  void reply
    .header('Content-Type', CONTENT_TYPE[audio.format])
    .header('Accept-Ranges', 'bytes')
    .header('Cache-Control', 'private, no-store');
  if (audio.range) {
    void reply
      .status(206)
      .header('Content-Range', `bytes ${audio.range.start}-${audio.range.end}/${audio.totalBytes}`)
      .header('Content-Length', audio.range.end - audio.range.start + 1);
  } else {
    void reply.status(200).header('Content-Length', audio.totalBytes);
  }
  return reply.send(body);
}
