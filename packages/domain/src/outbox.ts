import { z } from 'zod';
import { OUTBOX_STATUSES } from './catalog';
import { storable } from './text';

export const outboxListInputSchema = z
  .object({
    status: z.array(z.enum(OUTBOX_STATUSES)).max(OUTBOX_STATUSES.length).optional(),
    /** Part of the recipient's address. */
    search: storable(z.string().trim().max(254)).optional(),
    cursor: z.uuid().optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type OutboxListInput = z.input<typeof outboxListInputSchema>;

export const outboxGetInputSchema = z.object({ id: z.uuid() }).strict();
