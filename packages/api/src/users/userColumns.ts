import { roles, users } from '@roster/db';
import { sql } from 'drizzle-orm';

/** Who a user is: id, e-mail, names and status. */
export const userIdentityColumns = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  status: users.status,
};

/** The columns of a user that both the list and the detail drawer show. */
export const userSummaryColumns = {
  ...userIdentityColumns,
  roleId: users.roleId,
  roleName: roles.name,
  roleIsAdmin: roles.isAdmin,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
  version: users.version,
};

/** A user's organisation unit ids, in id order (with the module access and rights, what "Copy access" reads). */
export const userScopeIds = sql<
  string[]
>`coalesce((select array_agg(us.org_unit_id::text order by us.org_unit_id)
  from user_scopes us where us.user_id = ${users.id}), '{}')`;

/** A user's rights, in order. */
export const userRightCodes = sql<string[]>`coalesce((select array_agg(ur.right::text order by ur.right)
  from user_rights ur where ur.user_id = ${users.id}), '{}')`;

/** A user's module access as `module:level` pairs, e.g. `budget:edit`. */
export const userModuleAccessPairs = sql<
  string[]
>`coalesce((select array_agg(ma.module || ':' || ma.level order by ma.module)
  from module_access ma where ma.user_id = ${users.id}), '{}')`;
