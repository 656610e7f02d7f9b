import { usersFilterSchema, usersListInputSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { adminProcedure } from '../trpc';
import { countUsers } from '../users/countUsers';
import { getUser } from '../users/getUser';
import { listUsers } from '../users/listUsers';

export const usersRouter = {
  list: adminProcedure
    .input(usersListInputSchema)
    .query(({ ctx, input }) => listUsers(ctx.db, input, ctx.now())),
  get: adminProcedure
    .input(z.object({ id: z.uuid('A user id is a UUID.') }))
    .query(({ ctx, input }) => getUser(ctx.db, input.id)),
  /** The exact number of users matching a filter. */
  count: adminProcedure
    .input(z.object({ filter: usersFilterSchema.optional() }).strict())
    .query(async ({ ctx, input }) => ({ total: await countUsers(ctx.db, input.filter, ctx.now()) })),
} satisfies TRPCRouterRecord;
