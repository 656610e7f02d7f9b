import { userByIdInputSchema, usersCountInputSchema, usersListInputSchema } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../trpc';
import { countUsers } from '../users/countUsers';
import { getUser } from '../users/getUser';
import { listUsers } from '../users/listUsers';

export const usersRouter = {
  list: adminProcedure
    .input(usersListInputSchema)
    .query(({ ctx, input }) => listUsers(ctx.db, input, ctx.now())),
  get: adminProcedure.input(userByIdInputSchema).query(({ ctx, input }) => getUser(ctx.db, input.id)),
  /** The exact number of users matching a filter. */
  count: adminProcedure
    .input(usersCountInputSchema)
    .query(async ({ ctx, input }) => ({ total: await countUsers(ctx.db, input.filter, ctx.now()) })),
} satisfies TRPCRouterRecord;
