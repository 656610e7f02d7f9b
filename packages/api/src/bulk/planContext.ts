import { type Db, roles, users } from '@roster/db';
import { type BulkOperation, boundOperation, DomainError, type PlanContext } from '@roster/domain';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { ApiConfig } from '../config';
import { adminRoleIds } from './adminRoleIds';
import { loadPlanUsers } from './loadPlanUsers';

/**
 * Active users of an administrator role. The role ids are read first so that the count walks the
 * role index over the few administrators, not every active user (every batch asks).
 */
export async function countActiveAdmins(db: Db): Promise<number> {
  const admins = [...(await adminRoleIds(db))];
  if (admins.length === 0) return 0;
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(inArray(users.roleId, admins), eq(users.status, 'active')));
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
