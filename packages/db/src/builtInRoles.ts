import { ADMINISTRATOR_ROLE, BUILT_IN_ROLES } from '@roster/domain';
import { eq } from 'drizzle-orm';
import type { Db } from './createDb';
import { roles } from './schema';

/** Creates the built-in roles that are missing; safe to run at every start. */
export async function ensureBuiltInRoles(db: Db): Promise<void> {
  await db
    .insert(roles)
    .values(BUILT_IN_ROLES.map((name) => ({ name, builtIn: true, isAdmin: name === ADMINISTRATOR_ROLE })))
    .onConflictDoNothing({ target: roles.name });
}

export async function administratorRoleId(db: Db): Promise<string> {
  const [row] = await db.select({ id: roles.id }).from(roles).where(eq(roles.name, ADMINISTRATOR_ROLE));
  if (!row) throw new Error('The Administrator role is missing: run ensureBuiltInRoles first.');
  return row.id;
}
