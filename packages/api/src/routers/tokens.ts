import { apiTokens, auditEvents, users } from '@roster/db';
import { apiTokenCreateSchema, DomainError } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { newApiToken } from '../auth/secrets';
import { adminProcedure } from '../trpc';

/** API tokens of the caller, for internal tools (`Authorization: Bearer <token>`). */
/** What an administrator sees of a token (never the token itself, stored only as its hash). */
const tokenColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scope: apiTokens.scope,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
};

export const tokensRouter = {
  create: adminProcedure.input(apiTokenCreateSchema).mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const { token, stored } = newApiToken();
    const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
    // The token and its audit event are written together, or neither is.
    const row = await ctx.db.transaction(async (tx) => {
      // Its owner as they are now, their row share-locked: a deactivation (which revokes every token
      // of the user) that committed since the caller's session was read is seen, and one still running
      // waits for this token to commit, then revokes it with the others.
      const [owner] = await tx
        .select({ status: users.status })
        .from(users)
        .where(eq(users.id, ctx.actor.userId))
        .for('share');
      if (owner?.status !== 'active') throw new DomainError('account_deactivated');
      const [row] = await tx
        .insert(apiTokens)
        .values({
          userId: ctx.actor.userId,
          name: input.name,
          ...stored,
          scope: input.scope,
          createdAt: now,
          expiresAt,
        })
        .returning(tokenColumns);
      if (!row) throw new Error('The token was not stored');
      await tx.insert(auditEvents).values({
        at: now,
        actorId: ctx.actor.userId,
        userId: ctx.actor.userId,
        action: 'auth.token_created',
        meta: { tokenId: row.id, name: row.name, scope: row.scope },
      });
      return row;
    });
    /** The token itself is returned this once and never stored. */
    return { ...row, token };
  }),

  list: adminProcedure.query(({ ctx }) =>
    ctx.db
      .select({
        ...tokenColumns,
        lastUsedAt: apiTokens.lastUsedAt,
        revokedAt: apiTokens.revokedAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.userId, ctx.actor.userId))
      .orderBy(desc(apiTokens.createdAt)),
  ),

  revoke: adminProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const revoked = await ctx.db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(
        and(eq(apiTokens.id, input.id), eq(apiTokens.userId, ctx.actor.userId), isNull(apiTokens.revokedAt)),
      )
      .returning({ id: apiTokens.id });
    if (revoked.length === 0) throw new DomainError('token_not_found');
    await ctx.db.insert(auditEvents).values({
      at: now,
      actorId: ctx.actor.userId,
      userId: ctx.actor.userId,
      action: 'auth.token_revoked',
      meta: { tokenId: input.id },
    });
    return { id: input.id, revokedAt: now };
  }),
} satisfies TRPCRouterRecord;
