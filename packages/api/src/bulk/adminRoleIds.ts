import { type Db, roles } from '@roster/db';
import { eq } from 'drizzle-orm';

/** The administrator roles of the tenant (a few rows: every batch and preview may ask). */
export async function adminRoleIds(db: Db): Promise<Set<string>> {
  const rows = await db.select({ id: roles.id }).from(roles).where(eq(roles.isAdmin, true));
  return new Set(rows.map((r) => r.id));
}
