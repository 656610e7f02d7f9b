import { roles } from '@roster/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { asc } from 'drizzle-orm';
import { adminProcedure } from '../trpc';

export const rolesRouter = {
  list: adminProcedure.query(({ ctx }) =>
    ctx.db
      .select({ id: roles.id, name: roles.name, isAdmin: roles.isAdmin, builtIn: roles.builtIn })
      .from(roles)
      .orderBy(asc(roles.name)),
  ),
} satisfies TRPCRouterRecord;
