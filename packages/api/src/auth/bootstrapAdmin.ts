import { administratorRoleId, auditEvents, type Db, ensureBuiltInRoles, users } from '@roster/db';
import { normalizeEmail } from '@roster/domain';
import { eq } from 'drizzle-orm';
import { hashPassword } from './secrets';

/**
 * SPEC §6: at every start, when no user has the configured e-mail, it is created as an active
 * administrator with the configured password. An existing user is left exactly as it is.
 * Returns true when the administrator was created.
 */
export async function ensureBootstrapAdmin(
  db: Db,
  email: string,
  password: string,
  now = new Date(),
): Promise<boolean> {
  await ensureBuiltInRoles(db);
  const normalized = normalizeEmail(email);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, normalized));
  if (existing) return false;
  const roleId = await administratorRoleId(db);
  const passwordHash = await hashPassword(password);
  const created = await db
    .insert(users)
    .values({
      email: normalized,
      firstName: 'Roster',
      lastName: 'Administrator',
      status: 'active',
      roleId,
      passwordHash,
      activatedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  const [row] = created;
  if (!row) return false;
  await db.insert(auditEvents).values({
    at: now,
    userId: row.id,
    action: 'user.bootstrap_admin_created',
    after: { email: normalized, status: 'active', role: 'Administrator' },
  });
  return true;
}
