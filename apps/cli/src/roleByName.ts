import type { RosterClient, RouterOutputs } from '@roster/client';
import { RefusedError } from './cliErrors';

export type Role = RouterOutputs['roles']['list'][number];

/** The roles people call by these names (any case), from one `roles.list`; `unknown_role` for a name no role has. */
export async function rolesByName(client: RosterClient, names: readonly string[]): Promise<Role[]> {
  const roles = await client.roles.list.query();
  return names.map((name) => {
    const wanted = name.trim().toLowerCase();
    const role = roles.find((r) => r.name.toLowerCase() === wanted);
    if (!role) throw unknownRole(`No role is named “${name}”.`, roles);
    return role;
  });
}

/** The role with this id (any case), from `roles.list`; `unknown_role`, after `prefix`, for an id no role has. */
export async function roleById(client: RosterClient, id: string, prefix = ''): Promise<Role> {
  const roles = await client.roles.list.query();
  const wanted = id.trim().toLowerCase();
  const role = roles.find((r) => r.id === wanted);
  if (!role) throw unknownRole(`${prefix}No role has the id “${id}”.`, roles);
  return role;
}

/** The refusal of a role nobody has, naming the roles there are. */
function unknownRole(sentence: string, roles: readonly Role[]): RefusedError {
  return new RefusedError(
    'unknown_role',
    `${sentence} The roles are: ${roles.map((r) => r.name).join(', ')}.`,
  );
}

export async function roleByName(client: RosterClient, name: string): Promise<Role> {
  const [role] = await rolesByName(client, [name]);
  if (!role) throw new Error('rolesByName returned no role for one name');
  return role;
}
