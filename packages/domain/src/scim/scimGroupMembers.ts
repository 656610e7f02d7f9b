import { adminRoleRefusal, ScimError } from './scimError';

/** A role as a SCIM group. */
export type ScimGroupRole = { id: string; name: string; isAdmin: boolean };

/** One membership move: the user gets this role. `onlyFrom`: only if the user still has that role. */
export type ScimMembershipMove = { userId: string; roleId: string; onlyFrom?: string };

/**
 * A group's members replaced as a whole (PUT /Groups/{id} with `members`, PATCH `replace` of
 * `members`): the listed users get the group's role; its members not listed leave it for the
 * tenant's default role (the role an import and a SCIM create give, Reader), a user having exactly
 * one role. The default role cannot be replaced so (its members have nowhere to go: they leave it by
 * joining another group), nor the Administrator role (given and taken in Roster only); every move
 * then passes the Assign role rule and its guards (the token owner's own role, the last
 * administrator). `leaving`: the role's members now that the list does not name.
 */
export function planScimGroupReplace(
  role: ScimGroupRole,
  defaultRole: ScimGroupRole,
  listed: readonly string[],
  leaving: readonly string[],
): ScimMembershipMove[] {
  if (role.isAdmin) {
    throw adminRoleRefusal();
  }
  const wanted = new Set(listed);
  if (role.id === defaultRole.id && leaving.length > 0) {
    throw new ScimError(
      400,
      'mutability',
      `${role.name} is the default role: its members leave it by joining another group, not by a replacement.`,
    );
  }
  return [
    ...[...wanted].map((userId) => ({ userId, roleId: role.id })),
    ...leaving.map((userId) => ({ userId, roleId: defaultRole.id, onlyFrom: role.id })),
  ];
}
