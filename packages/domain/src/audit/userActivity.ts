import { z } from 'zod';

/** Events per page of a user's activity, unless asked otherwise. */
export const USER_ACTIVITY_PAGE = 20;

/**
 * `users.activity`: one user's audit events, newest first, a page at a time. `cursor` is the
 * `nextCursor` of the page before (the id of its last event).
 */
export const userActivityInputSchema = z
  .object({
    id: z.uuid('A user id is a UUID.'),
    cursor: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(100).optional(),
    /** Sent by tRPC's infinite queries; the activity pages forward only. */
    direction: z.literal('forward').optional(),
  })
  .strict();
export type UserActivityInput = z.infer<typeof userActivityInputSchema>;
