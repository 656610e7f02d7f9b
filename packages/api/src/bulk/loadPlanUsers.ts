import { type Db, invitations, moduleAccess, roles, userRights, userScopes, users } from '@roster/db';
import type { GrantedAccessLevel, Module, PlanUser, Right } from '@roster/domain';
import { and, eq, sql } from 'drizzle-orm';

/**
 * The current state of these users, as the bulk rules need it. With `withAccess`, their module
 * access, scope and rights too (only "Copy access" reads them). Set-based: a few queries per call,
 * whatever the number of users; callers pass batches.
 */
export async function loadPlanUsers(
  db: Db,
  ids: readonly string[],
  withAccess: boolean,
  options: { lock?: boolean } = {},
): Promise<PlanUser[]> {
  if (ids.length === 0) return [];
  // One array parameter, not thousands of them.
  const idList = [...ids];
  const query = db
    .select({
      id: users.id,
      email: users.email,
      status: users.status,
      roleId: users.roleId,
      roleIsAdmin: roles.isAdmin,
      activatedAt: users.activatedAt,
      lastSentAt: invitations.lastSentAt,
      expiresAt: invitations.expiresAt,
    })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .leftJoin(invitations, and(eq(invitations.userId, users.id), eq(invitations.status, 'pending')))
    .where(sql`${users.id} = any(${sql.param(idList)}::uuid[])`)
    // With `lock`, the users' rows are locked as they are read, in id order, so that two operations
    // on overlapping users never deadlock; the caller decides on these locked rows.
    .orderBy(users.id)
    .$dynamic();
  const rows = await (options.lock ? query.for('update', { of: users }) : query);
  const modules = new Map<string, Partial<Record<Module, GrantedAccessLevel>>>();
  const scopes = new Map<string, string[]>();
  const rights = new Map<string, Right[]>();
  if (withAccess) {
    const [accessRows, scopeRows, rightRows] = await Promise.all([
      db
        .select()
        .from(moduleAccess)
        .where(sql`${moduleAccess.userId} = any(${sql.param(idList)}::uuid[])`),
      db
        .select()
        .from(userScopes)
        .where(sql`${userScopes.userId} = any(${sql.param(idList)}::uuid[])`),
      db
        .select()
        .from(userRights)
        .where(sql`${userRights.userId} = any(${sql.param(idList)}::uuid[])`),
    ]);
    for (const row of accessRows)
      modules.set(row.userId, { ...modules.get(row.userId), [row.module]: row.level });
    for (const row of scopeRows) scopes.set(row.userId, [...(scopes.get(row.userId) ?? []), row.orgUnitId]);
    for (const row of rightRows) rights.set(row.userId, [...(rights.get(row.userId) ?? []), row.right]);
  }
  const byId = new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        email: row.email,
        status: row.status,
        roleId: row.roleId,
        roleIsAdmin: row.roleIsAdmin,
        activatedAt: row.activatedAt,
        access: {
          modules: modules.get(row.id) ?? {},
          scope: scopes.get(row.id) ?? [],
          rights: rights.get(row.id) ?? [],
        },
        invitation:
          row.lastSentAt && row.expiresAt ? { lastSentAt: row.lastSentAt, expiresAt: row.expiresAt } : null,
      } satisfies PlanUser,
    ]),
  );
  // In the order asked for: the rules decide users in order (the last-admin guard depends on it).
  return idList.flatMap((id) => byId.get(id) ?? []);
}
