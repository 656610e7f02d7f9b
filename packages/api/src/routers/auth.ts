import { auditEvents, sessions } from '@roster/db';
import { signInInputSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { signIn } from '../auth/signIn';
import { publicProcedure } from '../trpc';

export const authRouter = {
  signIn: publicProcedure.input(signInInputSchema).mutation(({ ctx, input }) => signIn(ctx, input)),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const actor = ctx.actor;
    if (actor?.via.kind === 'session') {
      const now = ctx.now();
      await ctx.db.update(sessions).set({ revokedAt: now }).where(eq(sessions.id, actor.via.sessionId));
      await ctx.db
        .insert(auditEvents)
        .values({ at: now, actorId: actor.userId, userId: actor.userId, action: 'auth.sign_out' });
    }
    ctx.cookie.clear();
    return { signedOut: true };
  }),

  me: publicProcedure.query(({ ctx }) => {
    const actor = ctx.actor;
    if (!actor) return null;
    return {
      id: actor.userId,
      email: actor.email,
      firstName: actor.firstName,
      lastName: actor.lastName,
      roleName: actor.roleName,
      isAdmin: actor.isAdmin,
    };
  }),
} satisfies TRPCRouterRecord;
