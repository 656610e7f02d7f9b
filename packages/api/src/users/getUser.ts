import {
  type Db,
  functionalMemberships,
  functionalResources,
  invitations,
  keyedLookups,
  moduleAccess,
  orgUnits,
  roles,
  userRights,
  userScopes,
  users,
} from '@roster/db';
import { DomainError } from '@roster/domain';
import { asc, count, desc, eq } from 'drizzle-orm';
import { userSummaryColumns } from './userColumns';

/** One user with everything the detail drawer shows (its activity is `users.activity`, a page at a time). */
export async function getUser(db: Db, id: string) {
  // Every statement looks the user up by id: their plans never depend on it.
  const lookup = keyedLookups(db);
  const [user] = await lookup
    .select({
      ...userSummaryColumns,
      activatedAt: users.activatedAt,
      updatedAt: users.updatedAt,
    })
    .from(users)
    .innerJoin(roles, eq(roles.id, users.roleId))
    .where(eq(users.id, id));
  if (!user) throw new DomainError('user_not_found');
  const [access, scope, rights, invitation, memberships] = await Promise.all([
    lookup
      .select({ module: moduleAccess.module, level: moduleAccess.level })
      .from(moduleAccess)
      .where(eq(moduleAccess.userId, id))
      .orderBy(asc(moduleAccess.module)),
    lookup
      .select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind })
      .from(userScopes)
      .innerJoin(orgUnits, eq(orgUnits.id, userScopes.orgUnitId))
      .where(eq(userScopes.userId, id))
      .orderBy(asc(orgUnits.name)),
    lookup
      .select({ right: userRights.right })
      .from(userRights)
      .where(eq(userRights.userId, id))
      .orderBy(asc(userRights.right)),
    lookup
      .select({
        id: invitations.id,
        status: invitations.status,
        expiresAt: invitations.expiresAt,
        sentCount: invitations.sentCount,
        lastSentAt: invitations.lastSentAt,
        acceptedAt: invitations.acceptedAt,
        createdAt: invitations.createdAt,
      })
      .from(invitations)
      .where(eq(invitations.userId, id))
      .orderBy(desc(invitations.createdAt))
      .limit(1),
    lookup
      .select({ kind: functionalResources.kind, n: count() })
      .from(functionalMemberships)
      .innerJoin(functionalResources, eq(functionalResources.id, functionalMemberships.resourceId))
      .where(eq(functionalMemberships.userId, id))
      .groupBy(functionalResources.kind),
  ]);
  return {
    ...user,
    moduleAccess: access,
    scope,
    rights: rights.map((r) => r.right),
    invitation: invitation[0] ?? null,
    functionalMemberships: Object.fromEntries(memberships.map((m) => [m.kind, m.n])),
  };
}
