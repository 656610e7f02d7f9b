import { roles, users } from '@roster/db';

/** The columns of a user that both the list and the detail drawer show. */
export const userSummaryColumns = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  status: users.status,
  roleId: users.roleId,
  roleName: roles.name,
  roleIsAdmin: roles.isAdmin,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
  version: users.version,
};
