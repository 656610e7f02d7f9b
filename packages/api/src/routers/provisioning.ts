import { apiTokens } from '@roster/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { desc, eq } from 'drizzle-orm';
import { lastScimRequests } from '../scim/scimToken';
import { adminProcedure } from '../trpc';

/** How many of the last SCIM requests Admin › Provisioning shows. */
const LAST_REQUESTS = 25;

/** Admin › Provisioning: where identity providers connect, with which tokens, and what they last sent. */
export const provisioningRouter = {
  overview: adminProcedure.query(async ({ ctx }) => {
    const tokens = await ctx.db
      .select({
        id: apiTokens.id,
        userId: apiTokens.userId,
        name: apiTokens.name,
        prefix: apiTokens.prefix,
        createdAt: apiTokens.createdAt,
        expiresAt: apiTokens.expiresAt,
        lastUsedAt: apiTokens.lastUsedAt,
        revokedAt: apiTokens.revokedAt,
      })
      .from(apiTokens)
      .where(eq(apiTokens.scope, 'scim'))
      .orderBy(desc(apiTokens.createdAt));
    const owners = [...new Set(tokens.map((t) => t.userId))];
    return {
      endpointUrl: `${ctx.config.publicUrl.replace(/\/$/, '')}/scim/v2`,
      tokens: tokens.map(({ userId, ...token }) => ({ ...token, mine: userId === ctx.actor.userId })),
      requests: await lastScimRequests(ctx.db, owners, LAST_REQUESTS),
    };
  }),
} satisfies TRPCRouterRecord;
