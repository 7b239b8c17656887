import { z } from 'zod';

/** The call filters shared by the call list, exports and insights; each route adds what only it takes. */
export const callFilterFields = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  agentId: z.string().min(1).max(128).optional(),
  customerPhone: z.string().min(1).max(64).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  channel: z.enum(['human', 'ivr']).optional(),
  inquiryType: z.string().min(1).max(128).optional(),
  tag: z.string().min(1).max(64).optional(),
};
