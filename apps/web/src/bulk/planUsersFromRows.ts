import {
  GRANTED_ACCESS_LEVELS,
  type GrantedAccessLevel,
  MODULES,
  type Module,
  type PlanUser,
  RIGHTS,
  type Right,
} from '@roster/domain';
import type { UserRow } from '../users/UsersTable';

const oneOf = <T extends string>(options: readonly T[], value: string | undefined): T | undefined =>
  options.find((option) => option === value);

/** `module:level` pairs of a listed row as the access record the rules compare. */
function modulesOf(pairs: readonly string[]): Partial<Record<Module, GrantedAccessLevel>> {
  const modules: Partial<Record<Module, GrantedAccessLevel>> = {};
  for (const pair of pairs) {
    const [name, level] = pair.split(':');
    const module = oneOf(MODULES, name);
    const granted = oneOf(GRANTED_ACCESS_LEVELS, level);
    if (module && granted) modules[module] = granted;
  }
  return modules;
}

// Rows are immutable query data: each is converted once, however often the preview runs.
const converted = new WeakMap<UserRow, PlanUser>();

/** A loaded users-table row as the state the bulk rules decide on (the server loads the same). */
export function planUserFromRow(row: UserRow): PlanUser {
  const cached = converted.get(row);
  if (cached) return cached;
  const invitation = row.invitation;
  const user: PlanUser = {
    id: row.id,
    email: row.email,
    status: row.status,
    roleId: row.roleId,
    roleIsAdmin: row.roleIsAdmin,
    activatedAt: row.activatedAt,
    access: {
      modules: modulesOf(row.moduleAccess),
      scope: row.scope,
      rights: row.rights.flatMap((right): Right[] => {
        const known = oneOf(RIGHTS, right);
        return known ? [known] : [];
      }),
    },
    invitation:
      invitation?.lastSentAt && invitation.expiresAt
        ? { lastSentAt: invitation.lastSentAt, expiresAt: invitation.expiresAt }
        : null,
    version: row.version,
  };
  converted.set(row, user);
  return user;
}

/**
 * The selected users, in selection order (the order the server decides them in), when every one of
 * them is loaded; `null` when some are not, so the preview must ask the server.
 */
export function planUsersForIds(
  ids: readonly string[],
  rowsById: ReadonlyMap<string, UserRow>,
): PlanUser[] | null {
  const users: PlanUser[] = [];
  for (const id of ids) {
    const row = rowsById.get(id);
    if (!row) return null;
    users.push(planUserFromRow(row));
  }
  return users;
}
