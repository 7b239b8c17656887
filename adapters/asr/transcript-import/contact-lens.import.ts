import { z } from 'zod';
import type { Speaker } from '../../../core/analysis/transcript.types';
import { normalizeLanguage } from '../../../core/transcription/timeline';
import type { Transcript, TranscriptSegment } from '../../../core/transcription/transcriber.port';
import { invalidDocument } from './transcript-import.errors';

/**
 * A Contact Lens conversational analytics output file for a call, as Amazon Connect writes it to the instance's
 * bucket (Analysis/Voice/…/<contactId>_analysis_<time>.json):
 * https://docs.aws.amazon.com/connect/latest/adminguide/contact-lens-example-output-files.html
 * Of it the hub reads the language, the participants and each transcript turn
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_connect-contact-lens_Transcript.html:
 * ParticipantId, BeginOffsetMillis, EndOffsetMillis, Content); categories, sentiment and loudness are Contact
 * Lens's own analysis, which the hub does again with the tenant's rules. Unknown fields are ignored.
 */
export const contactLensOutputSchema = z.looseObject({
  Channel: z.string().optional(),
  JobStatus: z.string().optional(),
  LanguageCode: z.string().optional(),
  Participants: z.array(z.looseObject({ ParticipantId: z.string(), ParticipantRole: z.string() })).default([]),
  Transcript: z.array(
    z.looseObject({
      ParticipantId: z.string().min(1),
      BeginOffsetMillis: z.number().int().min(0),
      EndOffsetMillis: z.number().int().min(0),
      Content: z.string(),
    }),
  ),
});

/** ParticipantRole (or ParticipantId when no role is listed) to our speakers; SYSTEM prompts count as the agent side. */
const ROLE_SPEAKERS: Readonly<Record<string, Speaker>> = { AGENT: 'agent', CUSTOMER: 'customer', SYSTEM: 'agent' };

/**
 * Converts a Contact Lens output file into a transcript: one segment per turn, in time order, agent and customer
 * from the participants' roles, times in seconds. Throws CallsightError VALIDATION_FAILED (naming the field, never
 * the text) for a file that is not a Contact Lens output or a turn by an unknown participant role.
 */
export function importContactLens(document: unknown): Transcript {
  const parsed = contactLensOutputSchema.safeParse(document);
  if (!parsed.success) throw invalidDocument('Contact Lens', parsed.error);
  const output = parsed.data;
  const roleOf = new Map(output.Participants.map((p) => [p.ParticipantId, p.ParticipantRole.toUpperCase()]));
  const segments: TranscriptSegment[] = [];
  output.Transcript.forEach((turn, index) => {
    const role = roleOf.get(turn.ParticipantId) ?? turn.ParticipantId.toUpperCase();
    const speaker = ROLE_SPEAKERS[role];
    if (!speaker) {
      throw invalidDocument(
        'Contact Lens',
        new z.ZodError([{ code: 'custom', path: ['Transcript', index, 'ParticipantId'], message: 'is neither an agent nor a customer', input: undefined }]),
      );
    }
    const text = turn.Content.trim();
    if (text === '') return;
    const startS = turn.BeginOffsetMillis / 1000;
    segments.push({ speaker, startS, endS: Math.max(startS, turn.EndOffsetMillis / 1000), text });
  });
  segments.sort((a, b) => a.startS - b.startS || a.endS - b.endS);
  return { language: normalizeLanguage(output.LanguageCode), segments };
}
