import { z } from 'zod';

const isoInstant = z.iso.datetime({ offset: true });

const crmLinkSchema = z.object({
  crm: z.enum(['salesforce', 'zendesk']),
  objectType: z.string().min(1).max(64),
  id: z.string().min(1).max(128),
});

/**
 * What a sender states about a call it hands over (upload, import, telephony webhook). Duration is
 * deliberately absent: it is measured from the audio.
 */
export const callMetadataSchema = z
  .object({
    provider: z.string().min(1).max(64).default('upload'),
    providerCallId: z.string().min(1).max(256),
    channel: z.enum(['human', 'ivr']).default('human'),
    direction: z.enum(['inbound', 'outbound']),
    startedAt: isoInstant,
    agentId: z.string().min(1).max(128).nullish(),
    queue: z.string().min(1).max(128).nullish(),
    customerPhone: z.string().min(1).max(64).nullish(),
    inquiryType: z.string().min(1).max(128).nullish(),
    tags: z.array(z.string().min(1).max(64)).max(64).default([]),
    csat: z.number().int().min(1).max(5).nullish(),
    crmLinks: z.array(crmLinkSchema).max(32).default([]),
  })
  .strict();

export type CallMetadata = z.infer<typeof callMetadataSchema>;

/** Formats zod issues as one line that names each bad field and never echoes the value. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
