import { type Db, roles, userCounts } from '@roster/db';
import { type BulkOperation, boundOperation, DomainError, type PlanContext } from '@roster/domain';
import { and, eq, sql } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { loadPlanUsers } from './loadPlanUsers';

/**
 * Active users of an administrator role, summed on the maintained counts per (role, status) in one
 * statement (`user_counts`: a transaction sees its own changes there as on `users`). Counting them on
 * `users` read each administrator's row for its status: ~730 pages at 200,000 users, twice for
 * every preview and Apply and once per batch.
 */
export async function countActiveAdmins(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${userCounts.n}), 0)::int` })
    .from(userCounts)
    .innerJoin(roles, eq(roles.id, userCounts.roleId))
    .where(and(eq(roles.isAdmin, true), eq(userCounts.status, 'active')));
  return row?.n ?? 0;
}

/**
 * The tenant facts one operation's rule needs, as its definition names them (a role, a source user);
 * unknown ones refuse the request.
 */
export async function loadPlanContext(
  db: Db,
  operation: BulkOperation,
  actorId: string,
  now: Date,
  config: ApiConfig,
): Promise<PlanContext> {
  const context: PlanContext = {
    actorId,
    now,
    activeAdminCount: await countActiveAdmins(db),
    invitationTtlMs: config.invitationTtlDays * 86_400_000,
  };
  const { roleId, sourceUserId } = boundOperation(operation).tenantFacts;
  if (roleId !== undefined) {
    const [role] = await db
      .select({ id: roles.id, isAdmin: roles.isAdmin })
      .from(roles)
      .where(eq(roles.id, roleId));
    if (!role) throw new DomainError('unknown_role');
    context.role = role;
  }
  if (sourceUserId !== undefined) {
    const [source] = await loadPlanUsers(db, [sourceUserId], true);
    if (!source) throw new DomainError('unknown_source_user');
    context.source = source;
  }
  return context;
}
