import { emailOutbox, invitations, likeContains } from '@roster/db';
import { DomainError, outboxGetInputSchema, outboxListInputSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { and, desc, eq, ilike, inArray, lt, type SQL } from 'drizzle-orm';
import { adminProcedure } from '../trpc';

const summary = {
  id: emailOutbox.id,
  to: emailOutbox.to,
  subject: emailOutbox.subject,
  status: emailOutbox.status,
  attempts: emailOutbox.attempts,
  lastError: emailOutbox.lastError,
  createdAt: emailOutbox.createdAt,
  sentAt: emailOutbox.sentAt,
  nextAttemptAt: emailOutbox.nextAttemptAt,
  operationId: emailOutbox.operationId,
  invitationStatus: invitations.status,
  userId: invitations.userId,
};

/** Admin › Outbox: every e-mail the platform sent or keeps, newest first (SPEC §4). */
export const outboxRouter = {
  list: adminProcedure.input(outboxListInputSchema).query(async ({ ctx, input }) => {
    const conditions: SQL[] = [];
    if (input.status?.length) conditions.push(inArray(emailOutbox.status, input.status));
    if (input.search) conditions.push(ilike(emailOutbox.to, likeContains(input.search)));
    if (input.cursor) conditions.push(lt(emailOutbox.id, input.cursor));
    const rows = await ctx.db
      .select(summary)
      .from(emailOutbox)
      .leftJoin(invitations, eq(invitations.id, emailOutbox.invitationId))
      .where(and(...conditions))
      .orderBy(desc(emailOutbox.id))
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit);
    return {
      items,
      nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null,
      delivery: ctx.config.smtp ? ('smtp' as const) : ('outbox' as const),
    };
  }),

  /** One message as its recipient sees it (the HTML is shown in a sandboxed frame). */
  get: adminProcedure.input(outboxGetInputSchema).query(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .select({ ...summary, text: emailOutbox.text, html: emailOutbox.html })
      .from(emailOutbox)
      .leftJoin(invitations, eq(invitations.id, emailOutbox.invitationId))
      .where(eq(emailOutbox.id, input.id));
    if (!row) throw new DomainError('outbox_message_not_found');
    return row;
  }),
} satisfies TRPCRouterRecord;
