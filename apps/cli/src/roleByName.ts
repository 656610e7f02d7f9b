import type { RosterClient, RouterOutputs } from '@roster/client';
import { RefusedError } from './cliErrors';

export type Role = RouterOutputs['roles']['list'][number];

/** The roles people call by these names (any case), from one `roles.list`; `unknown_role` for a name no role has. */
export async function rolesByName(client: RosterClient, names: readonly string[]): Promise<Role[]> {
  const roles = await client.roles.list.query();
  return names.map((name) => {
    const wanted = name.trim().toLowerCase();
    const role = roles.find((r) => r.name.toLowerCase() === wanted);
    if (!role) {
      throw new RefusedError(
        'unknown_role',
        `No role is named “${name}”. The roles are: ${roles.map((r) => r.name).join(', ')}.`,
      );
    }
    return role;
  });
}

export async function roleByName(client: RosterClient, name: string): Promise<Role> {
  const [role] = await rolesByName(client, [name]);
  if (!role) throw new Error('rolesByName returned no role for one name');
  return role;
}
