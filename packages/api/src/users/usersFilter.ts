import {
  type Db,
  estimateRows,
  invitations,
  likeContains,
  moduleAccess,
  orgUnits,
  queryRows,
  roles,
  userRights,
  userScopes,
  userSearch,
  users,
} from '@roster/db';
import { DomainError, MODULES, RIGHTS, type UsersFilter } from '@roster/domain';
import { and, eq, exists, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';

/** Up to this many estimated matches a search fetches its matches first (see below). */
const RARE_SEARCH_MATCHES = 50_000;

async function orgUnitIds(db: Db, orgUnitId: string, includeDescendants: boolean): Promise<string[]> {
  if (!includeDescendants) {
    const [unit] = await db.select({ id: orgUnits.id }).from(orgUnits).where(eq(orgUnits.id, orgUnitId));
    if (!unit) throw new DomainError('unknown_org_unit');
    return [unit.id];
  }
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with recursive tree as (
          select id from org_units where id = ${orgUnitId}
          union all
          select o.id from org_units o join tree on o.parent_id = tree.id
        ) select id from tree`,
  );
  if (rows.length === 0) throw new DomainError('unknown_org_unit');
  return rows.map((r) => r.id);
}

/**
 * Turns a users filter into one SQL condition on `users`, after checking that every role, module,
 * organisation unit and right it names exists (an unknown one is a typed refusal, not an empty list).
 * The users list and every "all matching" bulk selection use this same condition.
 */
export async function usersFilterCondition(
  db: Db,
  filter: UsersFilter | undefined,
  now: Date,
): Promise<SQL | undefined> {
  if (!filter) return undefined;
  const conditions: SQL[] = [];
  if (filter.status?.length) conditions.push(inArray(users.status, filter.status));
  if (filter.invitationExpired !== undefined) {
    conditions.push(
      eq(users.status, 'invited'),
      exists(
        db
          .select({ one: sql`1` })
          .from(invitations)
          .where(
            and(
              eq(invitations.userId, users.id),
              eq(invitations.status, 'pending'),
              filter.invitationExpired ? lte(invitations.expiresAt, now) : gt(invitations.expiresAt, now),
            ),
          ),
      ),
    );
  }
  if (filter.roleIds?.length) {
    const roleIds = [...new Set(filter.roleIds)];
    const known = await db.select({ id: roles.id }).from(roles).where(inArray(roles.id, roleIds));
    if (known.length !== roleIds.length) throw new DomainError('unknown_role');
    conditions.push(inArray(users.roleId, roleIds));
  }
  if (filter.module) {
    const module = MODULES.find((m) => m === filter.module?.module);
    if (!module) throw new DomainError('unknown_module');
    const levels = filter.module.minLevel === 'edit' ? (['edit'] as const) : (['read', 'edit'] as const);
    conditions.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(moduleAccess)
          .where(
            and(
              eq(moduleAccess.userId, users.id),
              eq(moduleAccess.module, module),
              inArray(moduleAccess.level, [...levels]),
            ),
          ),
      ),
    );
  }
  if (filter.orgUnitId) {
    const unitIds = await orgUnitIds(db, filter.orgUnitId, filter.includeDescendants ?? false);
    conditions.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(userScopes)
          .where(and(eq(userScopes.userId, users.id), inArray(userScopes.orgUnitId, unitIds))),
      ),
    );
  }
  if (filter.right) {
    const right = RIGHTS.find((r) => r === filter.right);
    if (!right) throw new DomainError('unknown_right');
    conditions.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(userRights)
          .where(and(eq(userRights.userId, users.id), eq(userRights.right, right))),
      ),
    );
  }
  if (filter.search) {
    const matches = db
      .select({ id: userSearch.userId })
      .from(userSearch)
      .where(sql`${userSearch.document} like ${likeContains(filter.search)}`);
    // Matches of a term cluster in the sort order (every "Martin" sorts together), so walking the
    // sort index until a page is full can read half the table. When the trigram index says the term
    // is rare, its matches are fetched first and sorted; a common term is left to the planner.
    const rare = (await estimateRows(db, matches)) <= RARE_SEARCH_MATCHES;
    conditions.push(rare ? sql`${users.id} = any(array(${matches}))` : inArray(users.id, matches));
  }
  return conditions.length ? and(...conditions) : undefined;
}
