import { type Db, invitations, moduleAccess, queryRows, userRights, userScopes } from '@roster/db';
import type { GrantedAccessLevel, Module, PlanUser, Right, UserStatus } from '@roster/domain';
import { and, eq, sql } from 'drizzle-orm';
import { adminRoleIds } from './adminRoleIds';
import { uuidList } from './sqlLists';

/** A user's row as the rules read it. */
type UserRow = {
  id: string;
  email: string;
  status: UserStatus;
  roleId: string;
  activatedMs: number | null;
  version: number;
};

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
  // One text parameter, not thousands of them (nor an array built element by element).
  const idList = [...ids];
  const list = uuidList(idList);
  // Users alone, with no join: when a row was changed by a transaction this one waited for, a locking
  // read re-checks the new row version against the joined rows it had read before (a user whose role
  // changed would drop out of a join on roles). Role and invitation are read after, by plain queries
  // that see the rows as they are once locked. With `lock`, the users' rows are locked as they are
  // read, in id order, so that two operations on overlapping users never deadlock; the caller decides
  // on these locked rows. Read as plain rows (the first activation as epoch milliseconds): drizzle's
  // mapping of each row, its dates parsed from text, was ~7 % of the server's time in a role change.
  const rows = await queryRows<UserRow>(
    db,
    sql`select id::text as id, email, status, role_id::text as "roleId",
          (extract(epoch from activated_at) * 1000)::float8 as "activatedMs", version
        from users where id = any(${list}) order by id ${options.lock ? sql`for update` : sql``}`,
  );
  const [admins, pending] = await Promise.all([
    adminRoleIds(db),
    db
      .select({
        userId: invitations.userId,
        lastSentAt: invitations.lastSentAt,
        expiresAt: invitations.expiresAt,
      })
      .from(invitations)
      .where(and(sql`${invitations.userId} = any(${list})`, eq(invitations.status, 'pending'))),
  ]);
  const invitationOf = new Map(
    pending.map((i) => [i.userId, { lastSentAt: i.lastSentAt, expiresAt: i.expiresAt }]),
  );
  const modules = new Map<string, Partial<Record<Module, GrantedAccessLevel>>>();
  const scopes = new Map<string, string[]>();
  const rights = new Map<string, Right[]>();
  if (withAccess) {
    const [accessRows, scopeRows, rightRows] = await Promise.all([
      db.select().from(moduleAccess).where(sql`${moduleAccess.userId} = any(${list})`),
      db.select().from(userScopes).where(sql`${userScopes.userId} = any(${list})`),
      db.select().from(userRights).where(sql`${userRights.userId} = any(${list})`),
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
        roleIsAdmin: admins.has(row.roleId),
        activatedAt: row.activatedMs === null ? null : new Date(row.activatedMs),
        access: {
          modules: modules.get(row.id) ?? {},
          scope: scopes.get(row.id) ?? [],
          rights: rights.get(row.id) ?? [],
        },
        invitation: invitationOf.get(row.id) ?? null,
        version: row.version,
      } satisfies PlanUser,
    ]),
  );
  // In the order asked for: the rules decide users in order (the last-admin guard depends on it).
  return idList.flatMap((id) => byId.get(id) ?? []);
}
