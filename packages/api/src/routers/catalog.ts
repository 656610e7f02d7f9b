import { orgUnits } from '@roster/db';
import { ACCESS_LEVELS, MODULES, RIGHTS, USER_STATUSES } from '@roster/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { asc } from 'drizzle-orm';
import { adminProcedure } from '../trpc';

/**
 * Everything the filters and pickers offer (modules, levels, rights, statuses, organisation units),
 * and the setting the browser's preview needs: how long a new or resent invitation stays valid.
 */
export const catalogRouter = {
  get: adminProcedure.query(async ({ ctx }) => ({
    modules: MODULES,
    accessLevels: ACCESS_LEVELS,
    rights: RIGHTS,
    statuses: USER_STATUSES,
    orgUnits: await ctx.db
      .select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind, parentId: orgUnits.parentId })
      .from(orgUnits)
      .orderBy(asc(orgUnits.name)),
    invitationTtlDays: ctx.config.invitationTtlDays,
  })),
} satisfies TRPCRouterRecord;
