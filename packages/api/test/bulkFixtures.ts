import { randomUUID } from 'node:crypto';
import { type Db, invitations, users } from '@roster/db';
import type { UserStatus } from '@roster/domain';
import { NOW } from './userFixtures';

/**
 * `n` users of one status and role, for bulk operations to work on. Invited users get a pending
 * invitation sent an hour ago (so it can be resent); active ones, or `activated`, once accepted.
 */
export async function addUsers(
  db: Db,
  n: number,
  status: UserStatus,
  roleId: string,
  extra: { activated?: boolean } = {},
): Promise<string[]> {
  const rows = await db
    .insert(users)
    .values(
      Array.from({ length: n }, () => ({
        email: `${randomUUID()}@roster.test`,
        status,
        roleId,
        activatedAt: status === 'active' || extra.activated ? NOW : null,
      })),
    )
    .returning({ id: users.id });
  if (status === 'invited') {
    await db.insert(invitations).values(
      rows.map((r) => ({
        userId: r.id,
        tokenHash: randomUUID(),
        expiresAt: new Date(NOW.getTime() + 86_400_000),
        lastSentAt: new Date(NOW.getTime() - 3_600_000),
      })),
    );
  }
  return rows.map((r) => r.id);
}
